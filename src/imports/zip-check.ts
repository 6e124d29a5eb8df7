import yauzl from 'yauzl';
import { ImportFileError } from './errors.js';
import { ImportLimitError, type TableLimits } from './limits.js';

const SHARED_STRINGS = /^xl\/sharedStrings\.xml$/i;

/**
 * Reads a workbook's zip directory (nothing is unpacked) and refuses a zip bomb before parsing:
 * too many entries, an entry or the whole unpacking too large, or an entry packed far tighter than
 * real spreadsheet XML ever is. The sizes are the zip's own claims; the parser's stream guards
 * (xmlGuard) hold the same limits against a zip that lies about them.
 */
export async function checkWorkbookZip(path: string, fileName: string, limits: TableLimits): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: true, strictFileNames: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImportFileError('DAMAGED', `"${fileName}" is damaged or not a real XLSX file (${reason})`);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      let entries = 0;
      let unpacked = 0;
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const refuse = (error: Error) => {
          zip.close();
          reject(error);
        };
        entries++;
        unpacked += entry.uncompressedSize;
        if (entries > limits.maxZipEntries)
          return refuse(
            new ImportLimitError(
              'zipEntries',
              limits.maxZipEntries,
              `"${fileName}" holds more than ${limits.maxZipEntries} parts; a spreadsheet has a few dozen`,
            ),
          );
        if (SHARED_STRINGS.test(entry.fileName) && entry.uncompressedSize > limits.maxSharedStringsBytes)
          return refuse(
            new ImportLimitError(
              'sharedStrings',
              limits.maxSharedStringsBytes,
              `the text of "${fileName}" unpacks to ${mib(entry.uncompressedSize)} (at most ${mib(limits.maxSharedStringsBytes)}); split the file`,
            ),
          );
        if (entry.uncompressedSize > limits.maxEntryBytes)
          return refuse(
            new ImportLimitError(
              'entrySize',
              limits.maxEntryBytes,
              `a part of "${fileName}" unpacks to ${mib(entry.uncompressedSize)} (at most ${mib(limits.maxEntryBytes)})`,
            ),
          );
        if (unpacked > limits.maxUnpackedBytes)
          return refuse(
            new ImportLimitError(
              'unpackedSize',
              limits.maxUnpackedBytes,
              `"${fileName}" unpacks to more than ${mib(limits.maxUnpackedBytes)}`,
            ),
          );
        const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
        if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxCompressionRatio)
          return refuse(
            new ImportLimitError(
              'compressionRatio',
              limits.maxCompressionRatio,
              `a part of "${fileName}" unpacks ${Math.round(ratio)} times larger than it is packed (at most ${limits.maxCompressionRatio}): a zip bomb, not a spreadsheet`,
            ),
          );
        zip.readEntry();
      });
      zip.readEntry();
    });
  } catch (error) {
    if (error instanceof ImportLimitError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImportFileError('DAMAGED', `"${fileName}" is damaged or not a real XLSX file (${reason})`);
  }
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}
