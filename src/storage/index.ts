export * from './types.js';
export { MemoryStorage, createMemoryStorage } from './memory.js';
export { FileStorage, createFileStorage, type FileStorageOptions } from './file/index.js';
export { openStorage, type OpenStorageOptions } from './open-url.js';
