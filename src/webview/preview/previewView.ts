// The mockup preview page: the mockup, the generated page in a sandboxed iframe (allow-scripts
// only: an opaque origin that cannot reach this page, VS Code or the network), and the visual
// score with the headless render beside the mockup. Host messages are validated before use; the
// iframe's document is built here with buildPreviewDocument, the same function the score uses.

import { buildPreviewDocument } from '../../core/mockup/previewDocument';
import { parsePreviewHostMessage, type PreviewHostMessage, type PreviewWebviewMessage } from '../../core/mockup/previewProtocol';
import { createElement } from '../dom';

export type PreviewMode = 'both' | 'mockup' | 'page';

const modes: ReadonlyArray<{ mode: PreviewMode; label: string }> = [
  { mode: 'both', label: 'Side by side' },
  { mode: 'mockup', label: 'Mockup' },
  { mode: 'page', label: 'Page' },
];

/** Pages wider than this are rendered at this width (and scaled down to fit like the others). */
const maxDesignWidth = 1920;

export interface PreviewViewOptions {
  readonly document: Document;
  readonly postMessage: (message: PreviewWebviewMessage) => void;
}

export class PreviewView {
  private readonly document: Document;
  readonly root: HTMLElement;
  private readonly panes: HTMLElement;
  private readonly modeButtons = new Map<PreviewMode, HTMLButtonElement>();
  private readonly status: HTMLElement;
  private readonly mockupImage: HTMLImageElement;
  private readonly mockupCaption: HTMLElement;
  private readonly pageCaption: HTMLElement;
  private readonly frameBox: HTMLElement;
  private readonly scaler: HTMLElement;
  readonly iframe: HTMLIFrameElement;
  private readonly noPreview: HTMLElement;
  private readonly scoreSection: HTMLElement;
  private readonly scoreValue: HTMLElement;
  private readonly scoreDetail: HTMLElement;
  private readonly renderImage: HTMLImageElement;
  private readonly rescoreButton: HTMLButtonElement;
  private tailwind: string | undefined;
  private design = { width: 800, height: 600 };
  private lastSrcdoc: string | undefined;

  constructor(private readonly options: PreviewViewOptions) {
    const d = options.document;
    this.document = d;
    this.status = createElement(d, 'p', { className: 'preview-status', attributes: { role: 'status', 'aria-live': 'polite' } });
    const modeGroup = createElement(d, 'div', { className: 'preview-modes', attributes: { role: 'radiogroup', 'aria-label': 'Show' } });
    for (const { mode, label } of modes) {
      const button = createElement(d, 'button', { text: label, attributes: { type: 'button', role: 'radio', 'aria-checked': 'false', 'data-mode': mode } });
      button.addEventListener('click', () => this.setMode(mode));
      this.modeButtons.set(mode, button);
      modeGroup.append(button);
    }
    this.mockupImage = createElement(d, 'img', { className: 'preview-mockup-image', attributes: { alt: 'The mockup' } });
    this.mockupCaption = createElement(d, 'figcaption', { text: 'Mockup' });
    const mockupPane = createElement(d, 'figure', { className: 'preview-pane preview-pane-mockup' }, [this.mockupCaption, this.mockupImage]);

    this.iframe = createElement(d, 'iframe', { className: 'preview-frame', attributes: { sandbox: 'allow-scripts', title: 'Generated page', referrerpolicy: 'no-referrer' } });
    this.scaler = createElement(d, 'div', { className: 'preview-scaler' }, [this.iframe]);
    this.frameBox = createElement(d, 'div', { className: 'preview-frame-box' }, [this.scaler]);
    this.noPreview = createElement(d, 'p', { className: 'preview-none' });
    this.noPreview.hidden = true;
    this.pageCaption = createElement(d, 'figcaption', { text: 'Generated page' });
    const pagePane = createElement(d, 'figure', { className: 'preview-pane preview-pane-page' }, [this.pageCaption, this.frameBox, this.noPreview]);
    this.panes = createElement(d, 'div', { className: 'preview-panes' }, [mockupPane, pagePane]);

    this.scoreValue = createElement(d, 'strong', { className: 'preview-score-value' });
    this.scoreDetail = createElement(d, 'span', { className: 'preview-score-detail' });
    this.rescoreButton = createElement(d, 'button', { text: 'Rescore', attributes: { type: 'button', title: 'Render the page again and compare it with the mockup' } });
    this.rescoreButton.addEventListener('click', () => this.options.postMessage({ type: 'rescore' }));
    this.renderImage = createElement(d, 'img', { className: 'preview-render-image', attributes: { alt: 'The page as rendered for the score' } });
    this.renderImage.hidden = true;
    this.scoreSection = createElement(d, 'section', { className: 'preview-score', attributes: { 'aria-label': 'Visual score' } }, [
      createElement(d, 'div', { className: 'preview-score-line' }, [this.scoreValue, this.scoreDetail, this.rescoreButton]),
      this.renderImage,
    ]);
    this.scoreSection.hidden = true;

    const toolbar = createElement(d, 'header', { className: 'preview-toolbar' }, [modeGroup, this.status]);
    this.root = createElement(d, 'div', { className: 'preview' }, [toolbar, this.scoreSection, this.panes]);
    this.setMode('both');
  }

  mount(parent: HTMLElement): void {
    parent.append(this.root);
    const view = this.document.defaultView;
    if (view && 'ResizeObserver' in view) new view.ResizeObserver(() => this.fit()).observe(this.frameBox);
    view?.addEventListener('resize', () => this.fit());
  }

  /** A message from the host: validated, then applied. */
  receive(raw: unknown): void {
    const parsed = parsePreviewHostMessage(raw);
    if (!parsed.ok) {
      this.options.postMessage({ type: 'log', level: 'warn', message: `preview dropped a host message: ${parsed.reason}` });
      return;
    }
    this.apply(parsed.message);
  }

  get mode(): PreviewMode {
    return (this.panes.dataset.mode as PreviewMode | undefined) ?? 'both';
  }

  setMode(mode: PreviewMode): void {
    this.panes.dataset.mode = mode;
    for (const [m, button] of this.modeButtons) button.setAttribute('aria-checked', String(m === mode));
    this.fit();
  }

  private apply(message: PreviewHostMessage): void {
    switch (message.type) {
      case 'mockup':
        this.mockupImage.src = message.dataUri;
        this.mockupCaption.textContent = `Mockup · ${message.label}`;
        this.design = { width: Math.min(message.width, maxDesignWidth), height: Math.round(message.height * Math.min(1, maxDesignWidth / message.width)) };
        this.iframe.setAttribute('width', String(this.design.width));
        this.iframe.setAttribute('height', String(this.design.height));
        this.fit();
        break;
      case 'runtime':
        this.tailwind = message.tailwind;
        break;
      case 'code':
        this.showCode(message);
        break;
      case 'score':
        this.showScore(message);
        break;
      case 'status':
        this.status.textContent = message.text;
        break;
    }
  }

  private showCode(message: Extract<PreviewHostMessage, { type: 'code' }>): void {
    const none = message.preview === 'none';
    this.frameBox.hidden = none;
    this.noPreview.hidden = !none;
    this.pageCaption.textContent = `Generated page · ${message.targetLabel}${message.streaming ? ' (streaming…)' : ''}`;
    if (none) {
      this.noPreview.textContent = `No live preview for ${message.targetLabel} yet: copy the component into your project to see it.`;
      return;
    }
    const srcdoc = buildPreviewDocument(message.code, message.preview, this.tailwind);
    if (srcdoc === this.lastSrcdoc) return;
    this.lastSrcdoc = srcdoc;
    this.iframe.srcdoc = srcdoc;
  }

  private showScore(message: Extract<PreviewHostMessage, { type: 'score' }>): void {
    this.scoreSection.hidden = false;
    this.scoreSection.dataset.state = message.state;
    this.rescoreButton.disabled = message.state === 'running';
    this.renderImage.hidden = !message.renderDataUri;
    if (message.renderDataUri) this.renderImage.src = message.renderDataUri;
    if (message.state === 'running') {
      this.scoreValue.textContent = 'Scoring…';
      this.scoreDetail.textContent = 'rendering the page in a headless browser';
    } else if (message.state === 'done' && message.score !== undefined) {
      this.scoreValue.textContent = `Visual score ${Math.round(message.score * 100)}/100`;
      const parts = [];
      if (message.ssim !== undefined) parts.push(`structure (SSIM) ${message.ssim.toFixed(2)}`);
      if (message.colour !== undefined) parts.push(`colour similarity ${message.colour.toFixed(2)}`);
      this.scoreDetail.textContent = parts.join(' · ');
    } else {
      this.scoreValue.textContent = message.state === 'skipped' ? 'No score' : 'Scoring failed';
      this.scoreDetail.textContent = message.message ?? '';
    }
  }

  /** Renders the page at the mockup's width and scales it to the pane (a page lays out by its width). */
  private fit(): void {
    const available = this.frameBox.clientWidth;
    if (!available) return;
    const scale = Math.min(1, available / this.design.width);
    this.scaler.style.transform = `scale(${scale})`;
    this.scaler.style.width = `${this.design.width}px`;
    this.frameBox.style.height = `${Math.ceil(this.design.height * scale)}px`;
  }
}
