// How the command line names the options a core message tells the user to change: the core says
// "the llama-server path" and lists 'serverPath' in GlimpseError.optionsToChange; the CLI adds
// "Flag: --server <file>." An option the command line cannot set adds nothing.

import type { GlimpseError, GlimpseErrorCode } from '../core/errors';
import type { UserOption } from '../core/userOptions';

/** Each option's flag (and environment variable), or undefined where the command line has none. */
export const optionFlags: Readonly<Record<UserOption, string | undefined>> = {
  modelPath: '--model <file> (or GLIMPSE_MODEL)',
  mmprojPath: '--mmproj <file> (or GLIMPSE_MMPROJ)',
  serverPath: '--server <file>',
  gpuLayers: '--gpu-layers <n|auto>',
  contextSize: '--ctx <n>',
  maxTokens: '--max-tokens <n>',
  browserPath: '--browser <file> (or GLIMPSE_BROWSER)',
  maxImageMegabytes: undefined,
  modelDownloadBaseUrl: undefined,
  engineDownloadBaseUrl: undefined,
  remoteVision: undefined,
  requestTimeout: '--request-timeout <seconds>',
};

/**
 * Options implied by the code when the error names none. The command line only runs a local model
 * pair, so a model that cannot see always lacks its projector (the refusal arrives as text).
 */
const impliedOptions: Partial<Record<GlimpseErrorCode, readonly UserOption[]>> = {
  'model-no-vision': ['mmprojPath'],
};

/** " Flag: --server <file>." (or "Flags: …, …."); empty when none of the options has a flag. */
export function flagsSentence(options: readonly UserOption[]): string {
  const flags = [...new Set(options)].map((option) => optionFlags[option]).filter((flag): flag is string => flag !== undefined);
  if (flags.length === 0) return '';
  return ` ${flags.length === 1 ? 'Flag' : 'Flags'}: ${flags.join(', ')}.`;
}

/** A core text followed by the flags that set the options it mentions. */
export function withFlagNames(text: string, options: readonly UserOption[] = []): string {
  return `${text}${flagsSentence(options)}`;
}

/** What the command line prints for an error: its message and the flags to change. */
export function cliErrorText(failure: Pick<GlimpseError, 'code' | 'message' | 'optionsToChange'>): string {
  const options = failure.optionsToChange.length > 0 ? failure.optionsToChange : impliedOptions[failure.code] ?? [];
  return withFlagNames(failure.message, options);
}
