/**
 * Every Lambda entry of the system and what it may touch. The CDK stateless stack creates one function per
 * entry with exactly these grants; the local runtime imports the same files. Plain data: no aws-cdk-lib here,
 * so this module can be bundled into a Lambda without pulling the CDK in.
 */

/** What a function may touch; the CDK turns each into the narrowest IAM grant that serves it. */
export interface EntryNeeds {
  /** Access to the single table: none by default. */
  readonly table?: 'read' | 'readWrite';
  /** May send mail through SES with the configuration set. Default false. */
  readonly mail?: boolean;
  /** May read the token-signing secret (signed links). Default false. */
  readonly tokens?: boolean;
}

export interface LambdaEntry {
  /** Source file below `functions/`, exporting `handler`. */
  readonly file: string;
  /** One line for the function description in AWS. */
  readonly description: string;
  readonly needs: EntryNeeds;
  /** Timeout in seconds. Default 10. */
  readonly timeoutSeconds?: number;
  /** Memory in MiB. Default 512. */
  readonly memoryMiB?: number;
}

export const lambdaEntries = {
  home: {
    file: 'handlers/home.ts',
    description: 'Home page',
    needs: {},
  },
  notFound: {
    file: 'handlers/not-found.ts',
    description: 'Dutch 404 page or problem+json for unknown paths',
    needs: {},
  },
  organiserMe: {
    file: 'handlers/organiser-me.ts',
    description: "The calling organiser's identity and groups",
    needs: {},
  },
  organiserTestMail: {
    file: 'handlers/organiser-test-mail.ts',
    description: 'Sends the house mail template to the calling organiser',
    needs: { mail: true },
  },
} as const satisfies Record<string, LambdaEntry>;

export type EntryName = keyof typeof lambdaEntries;
