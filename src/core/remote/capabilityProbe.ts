// Asks a remote OpenAI-compatible server what it is and whether its model can read images, before
// Glimpse sends one. The OpenAI API itself does not say, so this tries what each server kind
// offers, in order: llama-server's GET /props (`modalities.vision`), Ollama's POST /api/show
// (`capabilities` includes "vision"), then GET /v1/models (vLLM marks its models `owned_by:
// "vllm"`; no list says whether a model sees, so the answer there is "unknown").
//
// A path the server does not have (404, 405, an HTML page…) only means "not this kind". A refused
// key (401/403), a refused connection or a connect timeout is reported: nothing else would work.

import { isCancelled } from '../errors';
import { endpointUrl, requestHeaders, type OpenAiEndpoint } from '../openai/openAiClient';
import { summariseErrorBody, httpStatusError } from '../openai/httpErrors';
import { requestSecrets } from '../openai/serverText';
import { RemoteTimeoutError, sendHttpRequest } from '../http/httpRequest';

export type RemoteServerKind = 'llama-server' | 'ollama' | 'vllm' | 'openai-compatible';

export interface VisionProbe {
  /** Whether the model reads images; 'unknown' when the server does not say. */
  readonly vision: boolean | 'unknown';
  readonly server: RemoteServerKind;
  /** Model names the server lists (may be empty). */
  readonly models: string[];
  /** One or two sentences on how the verdict was reached, for the log and for messages. */
  readonly detail: string;
  /** The model the verdict is about: the one asked for, or the one llama-server has loaded. */
  readonly model?: string;
  readonly baseUrl: string;
}

export interface ProbeOptions {
  /** Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Limit for each probe's answer; a probe that does not answer in time is skipped. Default 10 s. */
  readonly answerTimeoutMs?: number;
}

interface ProbeAnswer {
  readonly status: number;
  readonly json: any;
  readonly note?: string;
}

const defaultProbeConnectTimeoutMs = 5_000;
const defaultProbeAnswerTimeoutMs = 10_000;

export async function probeVision(endpoint: OpenAiEndpoint, model: string | undefined = endpoint.model, signal?: AbortSignal, options: ProbeOptions = {}): Promise<VisionProbe> {
  const baseUrl = endpoint.baseUrl;
  const notes: string[] = [];
  const ask = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<ProbeAnswer> => {
    const answer = await probeRequest(endpoint, method, path, body, signal, options);
    if (answer.note) notes.push(answer.note);
    return answer;
  };

  // 1. llama-server
  const props = await ask('GET', '/props');
  if (props.status === 200 && isObject(props.json) && ('modalities' in props.json || 'default_generation_settings' in props.json)) {
    const loaded = loadedModelName(props.json);
    const listed = await listOpenAiModels(ask);
    const modalities = props.json.modalities;
    const vision: boolean | 'unknown' = isObject(modalities) && typeof modalities.vision === 'boolean' ? modalities.vision : 'unknown';
    const name = loaded ?? model;
    const detail = vision === true
      ? `llama-server reports that ${quoted(name)} reads images (a projector is loaded).`
      : vision === false
        ? `llama-server reports that ${quoted(name)} cannot read images: it was started without a projector (--mmproj).`
        : 'This llama-server is too old to report whether its model reads images.';
    return { vision, server: 'llama-server', models: listed?.ids ?? (loaded ? [loaded] : []), detail, model: name, baseUrl };
  }

  // 2. Ollama
  if (model) {
    const show = await ask('POST', '/api/show', { model });
    if (show.status === 200 && isObject(show.json) && (Array.isArray(show.json.capabilities) || 'modelfile' in show.json || 'details' in show.json)) {
      const models = await listOllamaModels(ask);
      const capabilities: unknown[] | undefined = Array.isArray(show.json.capabilities) ? show.json.capabilities : undefined;
      const vision: boolean | 'unknown' = capabilities ? capabilities.includes('vision') : show.json.projector_info ? true : 'unknown';
      const detail = vision === true
        ? `Ollama reports that ${quoted(model)} reads images (capability "vision").`
        : vision === false
          ? `Ollama reports that ${quoted(model)} cannot read images (its capabilities: ${capabilities!.join(', ') || 'none'}).`
          : `This Ollama is too old to report whether ${quoted(model)} reads images.`;
      return { vision, server: 'ollama', models, detail, model, baseUrl };
    }
    if (show.status === 404 && isObject(show.json) && typeof show.json.error === 'string' && /model/i.test(show.json.error)) {
      const models = await listOllamaModels(ask);
      return {
        vision: 'unknown', server: 'ollama', models, model, baseUrl,
        detail: `Ollama does not have ${quoted(model)} (${show.json.error}). ${models.length ? `It has: ${models.join(', ')}.` : 'It lists no models.'} Pick one of them, or pull the model on the server.`,
      };
    }
  } else {
    const models = await listOllamaModels(ask);
    if (models.length > 0) {
      return { vision: 'unknown', server: 'ollama', models, baseUrl, detail: 'Ollama answers, but no model was named: choose one to learn whether it reads images.' };
    }
  }

  // 3. An OpenAI-style model list (vLLM, LM Studio, gateways…)
  const listed = await listOpenAiModels(ask);
  if (listed) {
    const server: RemoteServerKind = listed.ownedBy.includes('vllm') ? 'vllm' : 'openai-compatible';
    const name = server === 'vllm' ? 'vLLM' : 'The server';
    const serves = model === undefined ? '' : listed.ids.includes(model) ? ` It serves ${quoted(model)}.` : ` It does not list ${quoted(model)}; it lists ${listed.ids.join(', ') || 'no models'}.`;
    return {
      vision: 'unknown', server, models: listed.ids, model, baseUrl,
      detail: `${name} lists its models but does not say which read images.${serves}`,
    };
  }

  return {
    vision: 'unknown', server: 'openai-compatible', models: [], model, baseUrl,
    detail: `The server answered none of the known capability requests (/props, /api/show, /v1/models)${notes.length ? `: ${notes.join('; ')}` : ''}. Whether its model reads images is unknown.`,
  };
}

async function listOpenAiModels(ask: (method: 'GET', path: string) => Promise<ProbeAnswer>): Promise<{ ids: string[]; ownedBy: string[] } | undefined> {
  const answer = await ask('GET', '/v1/models');
  if (answer.status !== 200 || !isObject(answer.json) || !Array.isArray(answer.json.data)) return undefined;
  const entries = answer.json.data.filter(isObject);
  return {
    ids: entries.map((entry: any) => entry.id).filter((id: unknown): id is string => typeof id === 'string'),
    ownedBy: entries.map((entry: any) => String(entry.owned_by ?? '').toLowerCase()),
  };
}

async function listOllamaModels(ask: (method: 'GET', path: string) => Promise<ProbeAnswer>): Promise<string[]> {
  const answer = await ask('GET', '/api/tags');
  if (answer.status !== 200 || !isObject(answer.json) || !Array.isArray(answer.json.models)) return [];
  return answer.json.models
    .map((entry: any) => (isObject(entry) ? entry.name ?? entry.model : undefined))
    .filter((name: unknown): name is string => typeof name === 'string');
}

/** One probe request: its status and JSON body, status 0 when it did not answer in time. */
async function probeRequest(endpoint: OpenAiEndpoint, method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal | undefined, options: ProbeOptions): Promise<ProbeAnswer> {
  const answerTimeoutMs = options.answerTimeoutMs ?? defaultProbeAnswerTimeoutMs;
  const headers: Record<string, string> = { accept: 'application/json', ...requestHeaders(endpoint) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // The whole answer must come within the limit, not just some byte of it.
  const limit = new AbortController();
  const timer = setTimeout(() => limit.abort(), answerTimeoutMs);
  const forward = () => limit.abort();
  signal?.addEventListener('abort', forward, { once: true });
  if (signal?.aborted) limit.abort();
  let text: string;
  let status: number;
  let statusText: string;
  let contentType: string;
  try {
    const response = await sendHttpRequest(endpointUrl(endpoint, path), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      connectTimeoutMs: options.connectTimeoutMs ?? defaultProbeConnectTimeoutMs,
      idleTimeoutMs: answerTimeoutMs,
      signal: limit.signal,
      serverLabel: endpoint.baseUrl,
    });
    status = response.status;
    statusText = response.statusText;
    contentType = String(response.headers['content-type'] ?? '');
    text = await response.text(1024 * 1024);
  } catch (error) {
    if (signal?.aborted) throw error;
    const silent = (limit.signal.aborted && isCancelled(error)) || (error instanceof RemoteTimeoutError && error.stage === 'idle');
    if (silent) return { status: 0, json: undefined, note: `${path} did not answer within ${answerTimeoutMs / 1000} s` };
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
  if (status === 401 || status === 403) {
    throw httpStatusError(status, statusText, text, contentType, undefined, { serverLabel: endpoint.baseUrl, path, secrets: requestSecrets(endpoint) });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const note = status === 200 || status === 404 ? undefined : `${path} answered ${status}${text ? ` (${summariseErrorBody(text, contentType, requestSecrets(endpoint))})` : ''}`;
  return { status, json, note };
}

/** The alias the server was given, else the model file's name (llama-server's alias defaults to the full path). */
function loadedModelName(props: any): string | undefined {
  const path = typeof props.model_path === 'string' ? props.model_path : '';
  if (typeof props.model_alias === 'string' && props.model_alias && props.model_alias !== path) return props.model_alias;
  return path ? path.split(/[\\/]/).pop() : undefined;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quoted(name: string | undefined): string {
  return name ? `"${name}"` : 'the model';
}
