export { startEmulator, type Emulator, type EmulatorOptions, type Scenario, type ReceivedRequest } from './server.js';
