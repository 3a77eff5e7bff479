// Messages between the mockup preview's webview and the extension host, validated on both sides
// like the chat panel's (src/core/protocol.ts). The host sends the generated code and the page
// kind; the webview builds the sandboxed iframe's document itself with buildPreviewDocument, so the
// Tailwind runtime (~280 KB) crosses once, not on every streamed update.

import { isBoolean, isNumber, isString, maxLength, oneOf, optional, parseWith, type Check, type ParseResult } from '../messageChecks';

export type PreviewScoreState = 'running' | 'done' | 'skipped' | 'failed';

export interface PreviewScore {
  readonly state: PreviewScoreState;
  /** 0..1, higher is closer to the mockup. */
  readonly score?: number;
  /** Mean SSIM of luminance, -1..1. */
  readonly ssim?: number;
  /** Colour-distribution similarity, 0..1. */
  readonly colour?: number;
  /** The headless render, as a PNG data: URI. */
  readonly renderDataUri?: string;
  readonly message?: string;
}

export type PreviewHostMessage =
  | { readonly type: 'mockup'; readonly dataUri: string; readonly width: number; readonly height: number; readonly label: string }
  /** The Tailwind browser runtime, sent once before any Tailwind page. */
  | { readonly type: 'runtime'; readonly tailwind: string }
  /** `preview` 'none': no live preview for this target; `note` says why. */
  | { readonly type: 'code'; readonly code: string; readonly preview: 'html' | 'tailwind' | 'none'; readonly targetLabel: string; readonly streaming: boolean }
  | ({ readonly type: 'score' } & PreviewScore)
  | { readonly type: 'status'; readonly text: string };

export type PreviewWebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'rescore' }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string };

const dataImage = (kind: string): Check => (v) => typeof v === 'string' && v.startsWith(`data:image/${kind}`);
const positive: Check = (v) => isNumber(v) && (v as number) > 0;

const hostSchemas: Record<PreviewHostMessage['type'], Record<string, Check>> = {
  mockup: { dataUri: dataImage(''), width: positive, height: positive, label: isString },
  runtime: { tailwind: maxLength(5_000_000) },
  code: { code: maxLength(2_000_000), preview: oneOf('html', 'tailwind', 'none'), targetLabel: isString, streaming: isBoolean },
  score: {
    state: oneOf('running', 'done', 'skipped', 'failed'), score: optional(isNumber), ssim: optional(isNumber), colour: optional(isNumber),
    renderDataUri: optional(dataImage('png')), message: optional(isString),
  },
  status: { text: maxLength(10_000) },
};

const webviewSchemas: Record<PreviewWebviewMessage['type'], Record<string, Check>> = {
  ready: {},
  rescore: {},
  log: { level: oneOf('info', 'warn', 'error'), message: maxLength(4_000) },
};

export function parsePreviewHostMessage(value: unknown): ParseResult<PreviewHostMessage> {
  return parseWith<PreviewHostMessage>(hostSchemas, value);
}

export function parsePreviewWebviewMessage(value: unknown): ParseResult<PreviewWebviewMessage> {
  return parseWith<PreviewWebviewMessage>(webviewSchemas, value);
}
