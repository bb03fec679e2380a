import { offThreadTask } from "../../platform/threads/off-thread-result";
import { readImportFile, type ImportFileLimits } from "./import-file";

/**
 * Runs in the worker pool (decision 0021): unzipping and parsing a large workbook or CSV takes
 * seconds of CPU, and a zip bomb is refused here, away from the event loop.
 */
export interface ImportFileTask {
  bytes: Uint8Array;
  fileName: string;
  limits: ImportFileLimits;
}

export const parseImportFile = offThreadTask(({ bytes, fileName, limits }: ImportFileTask) =>
  readImportFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), fileName, limits),
);
