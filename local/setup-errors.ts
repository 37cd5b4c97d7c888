/**
 * Failures a developer can fix without reading a stack trace: a missing or old Java, a taken port, an engine
 * that would not start. The local start and the CLI print `message` as one line and exit 1.
 */
export class LocalSetupError extends Error {
  override readonly name: string = 'LocalSetupError';
}

export class JavaNotFound extends LocalSetupError {
  override readonly name = 'JavaNotFound';
  constructor(javaPath: string) {
    super(
      `DynamoDB Local needs Java 17 or newer, but "${javaPath}" was not found on PATH; install a JRE 17+ (Debian: apt-get install openjdk-17-jre-headless).`,
    );
  }
}

export class JavaTooOld extends LocalSetupError {
  override readonly name = 'JavaTooOld';
  constructor(
    readonly found: string,
    readonly required: number,
  ) {
    super(
      `DynamoDB Local needs Java ${required} or newer, but "java -version" reports ${found}; install a JRE ${required}+.`,
    );
  }
}

export class PortInUse extends LocalSetupError {
  override readonly name = 'PortInUse';
  constructor(
    readonly port: number,
    readonly purpose: string,
    readonly overrideVariable?: string,
  ) {
    super(
      `Port ${port} (${purpose}) is already in use${overrideVariable ? `; stop what uses it or choose another port with ${overrideVariable}=<port>` : ''}.`,
    );
  }
}

export class EngineFailedToStart extends LocalSetupError {
  override readonly name = 'EngineFailedToStart';
}
