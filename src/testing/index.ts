export * from './ws-test-client.js';
