export { FileStorage, createFileStorage, type FileStorageOptions } from './file-storage.js';
export { crc32 } from './frame.js';
