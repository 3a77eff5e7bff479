// Turns the path an agent asks about ("src/shot.png", "myproject/src/shot.png", an absolute path,
// a file:// URI) into an image file inside the open workspace folders, or refuses it. An agent's
// tool call is not the user picking a file: it may name anything on the disk, so Glimpse reads
// only what lies inside a workspace folder once symbolic links are followed, never a path with a
// ".." segment, and only files named as images. The image itself is read and checked later, by
// prepareImage, like any other.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlimpseError } from '../errors';
import { SUPPORTED_IMAGE_EXTENSIONS } from './formats';
import { imageUnreadableError, imageUnsupportedError } from './imageErrors';

export interface WorkspaceImage {
  /** The file to read: its real path, symbolic links followed. */
  readonly path: string;
  /** The workspace folder it lies in, as the caller gave it. */
  readonly root: string;
  /** Its path inside that folder, with forward slashes ("src/shot.png"), for showing. */
  readonly relative: string;
}

/**
 * Extensions taken as images: those Glimpse decodes, and HEIC/HEIF, whose decoding prepareImage
 * decides from the bytes (an AV1 HEIF reads; an HEVC photo is refused there, named as HEIC).
 */
const imageExtensions: ReadonlySet<string> = new Set([...SUPPORTED_IMAGE_EXTENSIONS, 'heic', 'heif']);

/**
 * `requested` is absolute, a file:// URI, or relative to a workspace folder (each of `roots` in
 * order; its first segment may be the folder's own name). Refusals name the path as written.
 */
export async function resolveWorkspaceImage(requested: string, roots: readonly string[]): Promise<WorkspaceImage> {
  const written = requested.trim();
  if (roots.length === 0) throw noWorkspaceError();
  const filePath = pathFromRequest(written);
  const folders = await workspaceFolders(roots);
  // An absolute path outside the folders is refused before it is looked at: nothing outside is probed.
  if (path.isAbsolute(filePath) && !isLexicallyInside(filePath, folders)) throw outsideWorkspaceError(written, roots);
  const candidates = candidatePaths(filePath, roots);
  const found = await firstExisting(candidates);
  if (found === undefined) throw missingInWorkspaceError(written, candidates);
  const realFile = await fs.realpath(found).catch((error: unknown) => {
    throw imageUnreadableError(written, error);
  });
  const holder = folders.find((folder) => folder.realRoot !== undefined && isInsideFolder(folder.realRoot, realFile));
  // Every candidate lies inside a folder as written, so one that is not inside once links are followed leaves through a link.
  if (!holder?.realRoot) throw linkLeavesWorkspaceError(written, realFile);
  await assertImageFile(written, found, realFile);
  return { path: realFile, root: holder.root, relative: path.relative(holder.realRoot, realFile).split(path.sep).join('/') };
}

/**
 * True when `file` is `folder` or lies inside it. Both should be real paths (realpath) for the
 * answer to hold on disk. On Windows the comparison ignores case, as its file systems do
 * (path.win32.relative compares drive letters and names case-insensitively).
 */
export function isInsideFolder(folder: string, file: string, platform: NodeJS.Platform = process.platform): boolean {
  const api = platform === 'win32' ? path.win32 : path.posix;
  const relative = api.relative(folder, file);
  return !api.isAbsolute(relative) && relative.split(api.sep)[0] !== '..';
}

/** The path a request names, refusing what cannot be a workspace file whatever the disk holds. */
function pathFromRequest(written: string): string {
  if (written === '') throw invalidPathError('No image path was given. Pass the path of an image file in the workspace, such as src/screenshot.png.');
  if (written.includes('\0')) throw invalidPathError(`The image path ${JSON.stringify(written)} contains a NUL character. Pass the path of an image file in the workspace.`);
  if (hasParentSegment(written)) throw parentSegmentError(written);
  if (/^file:/i.test(written)) return pathFromFileUri(written);
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(written)) {
    throw invalidPathError(`${written} is a URL, not a file. Glimpse reads image files inside the workspace folders: pass a path such as src/screenshot.png.`);
  }
  return written;
}

/** A ".." segment anywhere, with / or \ as separator; in a URI, also once percent-decoded (%2e%2e). */
function hasParentSegment(written: string): boolean {
  const segments = (text: string) => text.split(/[\\/]/);
  if (segments(written).includes('..')) return true;
  if (!/^file:/i.test(written)) return false;
  try {
    return segments(decodeURIComponent(written)).includes('..');
  } catch {
    return false; // a malformed escape: fileURLToPath refuses it
  }
}

function pathFromFileUri(written: string): string {
  try {
    return fileURLToPath(written);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidPathError(`${written} is not a file URI Glimpse can open (${reason}). Pass the image's path in the workspace instead, such as src/screenshot.png.`);
  }
}

/**
 * Where to look, in order: an absolute path as it is; a relative one in each folder, then (as
 * agents often start it with the folder's name: "myproject/src/a.png") without that first segment
 * in the folder so named.
 */
function candidatePaths(filePath: string, roots: readonly string[]): string[] {
  if (path.isAbsolute(filePath)) return [path.normalize(filePath)];
  const plain = roots.map((root) => path.join(root, filePath));
  const [first, ...rest] = filePath.split(/[\\/]/).filter((segment) => segment !== '' && segment !== '.');
  const named = rest.length === 0 ? [] : roots.filter((root) => sameName(path.basename(root), first)).map((root) => path.join(root, ...rest));
  return [...plain, ...named];
}

function sameName(a: string, b: string): boolean {
  return process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** The first candidate that exists (links followed); undefined when none does. */
async function firstExisting(candidates: readonly string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    const exists = await fs.stat(candidate).then(
      () => true,
      // Anything but "not there" (no permission, a link loop) is for the steps after to report.
      (error: NodeJS.ErrnoException) => error.code !== 'ENOENT' && error.code !== 'ENOTDIR',
    );
    if (exists) return candidate;
  }
  return undefined;
}

interface WorkspaceFolder {
  /** As the caller gave it. */
  readonly root: string;
  /** Its real path; undefined for a folder that is gone (it holds nothing). */
  readonly realRoot?: string;
}

async function workspaceFolders(roots: readonly string[]): Promise<WorkspaceFolder[]> {
  return Promise.all(roots.map(async (root) => ({ root, realRoot: await fs.realpath(root).catch(() => undefined) })));
}

/** Before links are followed: inside a folder as given, or under its real path (a folder in a linked /tmp). */
function isLexicallyInside(file: string, folders: readonly WorkspaceFolder[]): boolean {
  return folders.some(({ root, realRoot }) => isInsideFolder(path.resolve(root), file) || (realRoot !== undefined && isInsideFolder(realRoot, file)));
}

/** A file (not a folder) named as an image, under the name written or the one its link leads to. */
async function assertImageFile(written: string, found: string, realFile: string): Promise<void> {
  const stats = await fs.stat(realFile).catch((error: unknown) => {
    throw imageUnreadableError(written, error);
  });
  if (stats.isDirectory()) {
    throw new GlimpseError('image-unsupported', `${written} is a folder, not an image file. Name an image file inside it.`);
  }
  if (!hasImageExtension(found) && !hasImageExtension(realFile)) throw imageUnsupportedError(written, new Uint8Array(0));
}

function hasImageExtension(filePath: string): boolean {
  return imageExtensions.has(path.extname(filePath).slice(1).toLowerCase());
}

function noWorkspaceError(): GlimpseError {
  return new GlimpseError('image-outside-workspace', 'Open a folder first: Glimpse only reads images inside the workspace folders.');
}

function parentSegmentError(written: string): GlimpseError {
  return new GlimpseError(
    'image-outside-workspace',
    `${written} contains a ".." segment. Glimpse only reads images inside the workspace folders: name the image by its path inside a folder, without "..".`,
  );
}

function outsideWorkspaceError(written: string, roots: readonly string[]): GlimpseError {
  return new GlimpseError(
    'image-outside-workspace',
    `${written} is outside the workspace folders (${roots.join(', ')}). Glimpse only reads images inside them: copy the image into the workspace, or open its folder.`,
  );
}

function linkLeavesWorkspaceError(written: string, realFile: string): GlimpseError {
  return new GlimpseError(
    'image-outside-workspace',
    `${written} leaves the workspace through a symbolic link (it leads to ${realFile}). Glimpse only reads images inside the workspace folders: copy the image into the workspace instead of linking to it.`,
  );
}

function missingInWorkspaceError(written: string, tried: readonly string[]): GlimpseError {
  const where = tried.length === 1 ? tried[0] : tried.join(', ');
  return new GlimpseError(
    'image-missing',
    `No image was found at ${written} (looked for ${where}). Check the path: give it relative to a workspace folder, or absolute.`,
  );
}

function invalidPathError(message: string): GlimpseError {
  return new GlimpseError('invalid-argument', message);
}
