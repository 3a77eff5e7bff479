// Extracting the code from a model's answer: the block chosen among several, fences of every kind,
// answers cut off or still streaming, code without a fence, and the streaming view that must only
// grow (so an editor receiving it never shows prose or loses text).

import assert from 'node:assert/strict';
import { appendedText, extractCode, extractStreamingCode } from '../../../src/core/mockup/extractCode';
import type { MockupTargetId } from '../../../src/core/mockup/targets';

const page = '<!DOCTYPE html>\n<html>\n<head>\n<title>Login</title>\n</head>\n<body>\n<button>Sign in</button>\n</body>\n</html>\n';
const component = 'export default function App() {\n  return <button>Sign in</button>;\n}\n';
const sfc = '<template>\n  <button>Sign in</button>\n</template>\n\n<script setup lang="ts">\nconst n = 1;\n</script>\n\n<style scoped>\nbutton { color: red; }\n</style>\n';

describe('extractCode', () => {
  it('reads CRLF answers and returns the code with LF, as the editor shows it (a lone CR too)', () => {
    const crlf = `Here:\r\n\r\n\`\`\`html\r\n${page.replace(/\n/g, '\r\n')}\`\`\`\r\nDone.`;
    assert.deepEqual(extractCode(crlf, 'html'), { code: page, language: 'html', complete: true, source: 'fence' });
    assert.equal(extractStreamingCode(crlf, 'html').code, page);
    assert.equal(extractCode('```html\n<p>a\rb</p>\n```', 'html').code, '<p>a\nb</p>\n');
  });

  it('takes the fenced block and leaves the prose around it', () => {
    const result = extractCode(`Sure! Here is the page:\n\n\`\`\`html\n${page}\`\`\`\n\nThis page has a sign-in button.`, 'html');
    assert.deepEqual(result, { code: page, language: 'html', complete: true, source: 'fence' });
  });

  it('prefers the block tagged with the target language over other languages and untagged blocks', () => {
    const answer = `Install nothing:\n\`\`\`bash\nnpm install --save-dev some-very-long-package-name another-long-package-name yet-another-one\n\`\`\`\n` +
      `\`\`\`\nsome untagged notes that are long enough to be the longest block in the whole answer, by far, really\n\`\`\`\n` +
      `\`\`\`tsx\n${component}\`\`\`\n`;
    const result = extractCode(answer, 'react');
    assert.equal(result.code, component);
    assert.equal(result.language, 'tsx');
  });

  it('among blocks of the target language picks the longest', () => {
    // Both look like HTML (a <div>), so only the length can decide.
    const snippet = '<div>Sign in</div>\n';
    const result = extractCode(`\`\`\`html\n${snippet}\`\`\`\nand the whole page:\n\`\`\`html\n${page}\`\`\`\n`, 'html');
    assert.equal(result.code, page);
  });

  it('prefers a block that looks like the target: a Vue SFC over an html usage snippet that is longer', () => {
    const longSnippet = `<div>${'<p>filler text that makes this block long</p>\n'.repeat(10)}</div>\n`;
    const result = extractCode(`\`\`\`html\n${longSnippet}\`\`\`\n\`\`\`html\n${sfc}\`\`\`\n`, 'vue');
    assert.equal(result.code, sfc);
    assert.equal(extractCode(`\`\`\`html\n${longSnippet}\`\`\`\n\`\`\`vue\n${sfc}\`\`\`\n`, 'vue').language, 'vue');
  });

  it('picks a React component over a shorter usage example in another accepted language', () => {
    const result = extractCode(`\`\`\`js\nrender(<App />);\n\`\`\`\n\`\`\`jsx\n${component}\`\`\``, 'react');
    assert.equal(result.code, component);
  });

  it('reads ~~~ fences and fences of four or more backticks holding ``` lines', () => {
    assert.equal(extractCode(`~~~html\n${page}~~~\n`, 'html').code, page);
    const withInnerFence = '<pre>\n```js\nconsole.log(1)\n```\n</pre>\n';
    const result = extractCode(`\`\`\`\`html\n${withInnerFence}\`\`\`\`\nDone.`, 'html');
    assert.equal(result.code, withInnerFence);
    assert.equal(result.complete, true);
  });

  it('reads tag variants: upper case, {.lang}, language-lang and attributes after the tag', () => {
    for (const opening of ['```HTML', '```{.html}', '```language-html', '```html title="index.html"', '  ```html']) {
      const result = extractCode(`${opening}\n${page}\`\`\``, 'html');
      assert.equal(result.language, 'html', opening);
      assert.equal(result.code, page, opening);
    }
  });

  it('takes everything after an opening fence that never closes, marked incomplete', () => {
    const cut = '<!DOCTYPE html>\n<html>\n<body>\n<button>Sign';
    const result = extractCode(`Here you go:\n\`\`\`html\n${cut}`, 'html');
    assert.deepEqual(result, { code: `${cut}\n`, language: 'html', complete: false, source: 'fence' });
  });

  it('drops a half-written closing fence at the end of a cut-off answer', () => {
    const result = extractCode(`\`\`\`html\n${page}\`\``, 'html');
    assert.equal(result.code, page);
    assert.equal(result.complete, false);
  });

  it('takes unfenced code whole, from its first line, without the prose after </html>', () => {
    assert.deepEqual(extractCode(page, 'html'), { code: page, complete: true, source: 'unfenced' });
    const result = extractCode(`Here is the code:\n${page}\nThis page shows a login button.`, 'html');
    assert.equal(result.code, page);
    assert.equal(result.source, 'unfenced');
  });

  it('ignores a stray closing fence and the prose after unfenced code', () => {
    const result = extractCode(`${page}\`\`\`\n\nThe page above uses flexbox.`, 'html');
    assert.equal(result.code, page);
    assert.equal(result.source, 'unfenced');
  });

  it('recognises unfenced React and Vue code and cuts the prose after it', () => {
    const react = extractCode(`import { useState } from 'react';\n\n${component}\nThis component renders a button.`, 'react');
    assert.equal(react.code, `import { useState } from 'react';\n\n${component}`);
    assert.equal(react.source, 'unfenced');
    const vue = extractCode(`${sfc}\nThat is the component.`, 'vue');
    assert.equal(vue.code, sfc);
  });

  it('reports no code when the answer is only prose', () => {
    assert.deepEqual(extractCode('I cannot see any user interface in this image.', 'html'), { code: '', complete: false, source: 'none' });
    assert.deepEqual(extractCode('', 'react'), { code: '', complete: false, source: 'none' });
    // An empty block is no code either.
    assert.equal(extractCode('```html\n\n```\nSorry.', 'html').source, 'none');
  });

  it('falls back to the longest block when none is in the target language', () => {
    const css = 'body { margin: 0; }\n.button { color: red; }\n';
    const result = extractCode(`\`\`\`bash\nls\n\`\`\`\n\`\`\`css\n${css}\`\`\``, 'html');
    assert.equal(result.code, css);
    assert.equal(result.language, 'css');
  });

  it('folds separate css and js blocks into the HTML page', () => {
    const html = '<!DOCTYPE html>\n<html>\n<head>\n<title>x</title>\n</head>\n<body>\n<button>Sign in</button>\n</body>\n</html>\n';
    const answer = `\`\`\`html\n${html}\`\`\`\nThe styles:\n\`\`\`css\nbutton { color: red; }\n\`\`\`\nAnd a script:\n\`\`\`javascript\nconsole.log('hi');\n\`\`\`\n`;
    const result = extractCode(answer, 'tailwind');
    assert.equal(
      result.code,
      '<!DOCTYPE html>\n<html>\n<head>\n<title>x</title>\n<style>\nbutton { color: red; }\n</style>\n</head>\n<body>\n<button>Sign in</button>\n' +
        "<script>\nconsole.log('hi');\n</script>\n</body>\n</html>\n",
    );
  });

  it('does not fold CSS the page already holds, and never folds for React or Vue', () => {
    const html = '<!DOCTYPE html>\n<html><head><style>\nbutton { color: red; }\n</style></head><body></body></html>\n';
    assert.equal(extractCode(`\`\`\`html\n${html}\`\`\`\n\`\`\`css\nbutton { color: red; }\n\`\`\``, 'html').code, html);
    assert.equal(extractCode(`\`\`\`tsx\n${component}\`\`\`\n\`\`\`css\nbutton { color: red; }\n\`\`\``, 'react').code, component);
  });

  it('puts folded CSS after the doctype when the page has no head or body', () => {
    const result = extractCode('```html\n<!DOCTYPE html>\n<div>hi</div>\n```\n```css\ndiv { color: red; }\n```', 'html');
    assert.equal(result.code, '<!DOCTYPE html>\n<style>\ndiv { color: red; }\n</style>\n<div>hi</div>\n');
  });

  it('handles CRLF line ends', () => {
    const result = extractCode('Here:\r\n```html\r\n<div>hi</div>\r\n```\r\nDone.', 'html');
    assert.equal(result.code, '<div>hi</div>\n');
    assert.equal(result.complete, true);
  });

  it('tidies the ends: no leading blank lines, one trailing newline, indentation kept', () => {
    assert.equal(extractCode('```html\n\n\n  <div>hi</div>\n\n\n```', 'html').code, '  <div>hi</div>\n');
  });
});

describe('extractStreamingCode', () => {
  /** Feeds the answer in chunks of varying size and checks each result extends the previous one. */
  function streamed(answer: string, target: MockupTargetId, chunk = (i: number) => 1 + (i % 7)): string[] {
    const results: string[] = [];
    let previous = '';
    for (let end = 0, i = 0; end < answer.length; i++) {
      end = Math.min(answer.length, end + chunk(i));
      const { code } = extractStreamingCode(answer.slice(0, end), target);
      assert.ok(code.startsWith(previous), `not monotone at ${end}:\nbefore: ${JSON.stringify(previous)}\nafter:  ${JSON.stringify(code)}`);
      previous = code;
      results.push(code);
    }
    return results;
  }

  const answers: Array<[string, MockupTargetId, string]> = [
    ['prose, fence, prose', 'html', `Sure! Here is the page:\n\n\`\`\`html\n${page}\`\`\`\n\nThis page has a sign-in button.`],
    ['four backticks with an inner fence', 'html', '````html\n<pre>\n```\ncode\n```\n</pre>\n````\nDone.'],
    ['tildes', 'vue', `~~~vue\n${sfc}~~~\n`],
    ['unfenced html with prose after', 'html', `${page}\nThis page shows a login button.`],
    ['a bash block first', 'react', `First:\n\`\`\`bash\nnpm create vite@latest\n\`\`\`\nThen:\n\`\`\`tsx\n${component}\`\`\`\nEnjoy!`],
    ['CRLF', 'html', 'Here:\r\n```html\r\n<div>hi</div>\r\n<p>there</p>\r\n```\r\nDone.'],
    ['blank and indented first lines', 'html', '```html\n\n   \n  <div>\n    hi\n  </div>\n```'],
  ];

  for (const [name, target, answer] of answers) {
    it(`only grows while streaming, char by char and in chunks: ${name}`, () => {
      streamed(answer, target, () => 1);
      const results = streamed(answer, target);
      const last = results[results.length - 1];
      // The streamed code ends as the final code (up to the final tidying of its ends).
      assert.equal(last.trimEnd(), extractCode(answer, target).code.trimEnd());
    });
  }

  it('never shows prose or another language\'s block while streaming', () => {
    const answer = `First:\n\`\`\`bash\nnpm create vite@latest\n\`\`\`\nThen:\n\`\`\`tsx\n${component}\`\`\`\nEnjoy!`;
    for (const code of streamed(answer, 'react')) {
      assert.doesNotMatch(code, /First|Then|npm|Enjoy|```/);
    }
    for (const code of streamed(`Sure! Here is the page:\n\`\`\`html\n${page}\`\`\`\nThis page is nice.`, 'html')) {
      assert.doesNotMatch(code, /Sure|nice|```/);
    }
  });

  it('holds back a line that may be the closing fence', () => {
    assert.equal(extractStreamingCode('```html\n<div>hi</div>\n``', 'html').code, '<div>hi</div>\n');
    assert.equal(extractStreamingCode('```html\n<div>hi</div>\n`', 'html').code, '<div>hi</div>\n');
    // It was content after all.
    assert.equal(extractStreamingCode('```html\n<div>hi</div>\n``x', 'html').code, '<div>hi</div>\n``x');
  });

  it('says whether the block has closed, and is empty before any code', () => {
    assert.deepEqual(extractStreamingCode('Sure! Here', 'html'), { code: '', complete: false, source: 'none' });
    assert.deepEqual(extractStreamingCode('```ht', 'html'), { code: '', complete: false, source: 'none' });
    assert.equal(extractStreamingCode('```html\n<div>', 'html').complete, false);
    assert.equal(extractStreamingCode('```html\n<div>\n```', 'html').complete, true);
  });
});

describe('appendedText', () => {
  it('gives the new end when the code grew, and undefined when it must be replaced', () => {
    assert.equal(appendedText('<div>', '<div>hi'), 'hi');
    assert.equal(appendedText('', '<div>'), '<div>');
    assert.equal(appendedText('<div>', '<div>'), '');
    assert.equal(appendedText('<div>hi', '<p>'), undefined);
  });
});
