/**
 * Bank files that arrive packed: a ZIP archive (bank portals and host-to-host channels zip a
 * day's camt.053/054 or MT940 files) or a gzip-compressed file. {@link unpackBankFile} returns
 * the files inside, each to be read as a bank file of its own; anything else comes back as it
 * is. One level only: an archive inside an archive is refused, as is an archive that would
 * unpack to more than {@link MAX_UNPACKED_BYTES} or hold more than {@link MAX_ARCHIVE_FILES}.
 */
import { gunzipSync } from 'node:zlib';
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { BankFileError } from './statement.ts';

/** What an upload may unpack to, in all (the largest statement measured: 52 MiB for 95k lines). */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
/** Files one archive may hold. */
export const MAX_ARCHIVE_FILES = 500;

export type UnpackLimits = { bytes: number; files: number };
const LIMITS: UnpackLimits = { bytes: MAX_UNPACKED_BYTES, files: MAX_ARCHIVE_FILES };

export type BankFilePart = {
  /** the file's name inside the ZIP archive; else the upload's name (without `.gz`) */
  name: string | undefined;
  /** taken out of a ZIP archive */
  member: boolean;
  bytes: Buffer;
};

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
const GZIP_MAGIC = [0x1f, 0x8b];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

export function isPackedBankFile(bytes: Uint8Array): boolean {
  return (
    startsWith(bytes, ZIP_MAGIC) ||
    startsWith(bytes, EMPTY_ZIP_MAGIC) ||
    startsWith(bytes, GZIP_MAGIC)
  );
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

/** Folders and what operating systems add to archives (macOS resource forks, hidden files). */
function isClutter(name: string): boolean {
  if (name.endsWith('/')) return true;
  if (name.startsWith('__MACOSX/')) return true;
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base.startsWith('.') || base === 'Thumbs.db' || base === 'desktop.ini';
}

function unzip(bytes: Buffer, limits: UnpackLimits): BankFilePart[] {
  const wanted: UnzipFileInfo[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (isClutter(file.name)) return false;
        wanted.push(file);
        if (wanted.length > limits.files)
          throw new BankFileError(`the ZIP archive holds more than ${limits.files} files`);
        // the sizes the archive declares bound what is unpacked: each file is inflated into a
        // buffer of its declared size and no further
        const total = wanted.reduce((sum, f) => sum + f.originalSize, 0);
        if (total > limits.bytes)
          throw new BankFileError(
            `the ZIP archive unpacks to more than ${mib(limits.bytes)}; split it or upload its files one by one`,
          );
        return true;
      },
    });
  } catch (error) {
    if (error instanceof BankFileError) throw error;
    throw new BankFileError(
      `the ZIP archive cannot be opened: ${(error as Error).message} (encrypted or damaged archives, and compression other than deflate, are not read)`,
    );
  }
  const parts = Object.entries(files)
    .map(([name, data]) => ({
      name,
      member: true,
      bytes: Buffer.from(data.buffer, data.byteOffset, data.length),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (parts.length === 0) throw new BankFileError('the ZIP archive holds no file');
  for (const part of parts) {
    if (isPackedBankFile(part.bytes))
      throw new BankFileError(
        `${part.name}: an archive inside the archive; upload the inner archive on its own`,
      );
  }
  return parts;
}

function gunzip(bytes: Buffer, fileName: string | undefined, limits: UnpackLimits): BankFilePart[] {
  let data: Buffer;
  try {
    data = gunzipSync(bytes, { maxOutputLength: limits.bytes });
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new BankFileError(
      tooLarge
        ? `the gzip file unpacks to more than ${mib(limits.bytes)}`
        : `the gzip file cannot be unpacked: ${(error as Error).message}`,
    );
  }
  const name = fileName?.replace(/\.(gz|gzip)$/i, '');
  if (isPackedBankFile(data))
    throw new BankFileError(
      `${name ?? 'the gzip file'}: an archive inside the gzip file; upload it unpacked`,
    );
  return [{ name, member: false, bytes: data }];
}

/**
 * The bank files an upload carries, in name order: the files of a ZIP archive (folders,
 * `__MACOSX/` and hidden files left out), the content of a gzip file, or the upload itself.
 * @throws BankFileError for an archive that cannot be opened or is too large (`limits`: the
 * sizes allowed, {@link MAX_UNPACKED_BYTES} and {@link MAX_ARCHIVE_FILES} unless a test sets them)
 */
export function unpackBankFile(
  bytes: Buffer,
  fileName?: string,
  limits: UnpackLimits = LIMITS,
): BankFilePart[] {
  if (startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, EMPTY_ZIP_MAGIC))
    return unzip(bytes, limits);
  if (startsWith(bytes, GZIP_MAGIC)) return gunzip(bytes, fileName, limits);
  return [{ name: fileName, member: false, bytes }];
}
