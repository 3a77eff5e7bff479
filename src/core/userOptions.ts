// The options a user can change, by a name of their own rather than by any front end's: an error
// says which of them would fix it (GlimpseError.optionsToChange), and each front end names them its
// way (VS Code: the setting "glimpse.serverPath"; the command line: --server <file>). The core's
// messages describe the option in words ("the llama-server path") and never name a setting or flag.

export type UserOption =
  /** The language model GGUF. */
  | 'modelPath'
  /** The projector (mmproj) GGUF that gives the model vision. */
  | 'mmprojPath'
  /** The llama-server binary to run instead of the one Glimpse finds. */
  | 'serverPath'
  /** Model layers offloaded to the GPU (llama-server -ngl). */
  | 'gpuLayers'
  /** The model's context size in tokens. */
  | 'contextSize'
  /** The longest answer in tokens. */
  | 'maxTokens'
  /** The largest image file Glimpse reads. */
  | 'maxImageMegabytes'
  /** The Chromium-family browser the mockup's visual score renders with. */
  | 'browserPath'
  /** Hugging Face, or a mirror with its layout, for model downloads. */
  | 'modelDownloadBaseUrl'
  /** A mirror of github.com for engine downloads. */
  | 'engineDownloadBaseUrl'
  /** Whether the remote server's model reads images (auto, yes, no). */
  | 'remoteVision'
  /** The longest one answer may take, start to finish (none by default). */
  | 'requestTimeout';
