/**
 * Thrown by the request pipeline (dispatch.ts) when an injected 'connection-reset' fault says the
 * request gets no answer; the server (server.ts) then resets the TCP connection. Emulator-only.
 */
export class ConnectionReset extends Error {
  constructor() {
    super('injected connection reset');
    this.name = 'ConnectionReset';
  }
}
