// What `activate()` returns: a small, stable surface for tests and for other extensions.

export interface ExtensionApi {
  /** Where the built-in simulator listens (`http://127.0.0.1:PORT`), or undefined when it is not running. */
  simulatorUrl(): string | undefined;
}
