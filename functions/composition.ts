import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from './adapters/clock';
import { DynamoMeetingStore } from './adapters/dynamo/meeting-store';
import { DynamoOutboxLedger } from './adapters/dynamo/outbox-ledger';
import { DynamoSubscriptionStore } from './adapters/dynamo/subscription-store';
import { DynamoSuppressionList } from './adapters/dynamo/suppression-list';
import { TableScheduler } from './adapters/dynamo/table-scheduler';
import { EventBridgeScheduler } from './adapters/eventbridge-scheduler';
import { timeOrderedIds } from './adapters/ids';
import { SesMailer } from './adapters/ses-mailer';
import { loadTokenSecret } from './adapters/token-secret';
import { loadConfig, schedulerSettings } from './config';
import type { DeliveryPorts } from './core/mailings/delivery';
import type { FeedbackPorts } from './core/mailings/suppression';
import type { TestMailPorts } from './core/mailings/test-mail';
import { applyMeetingChange, type MeetingPorts } from './core/meetings/use-cases';
import { PersonIds } from './core/people/person-id';
import type { Scheduler } from './core/ports';
import type { SubscriptionPorts } from './core/subscriptions/use-cases';
import { TokenSigner } from './core/tokens';
import { outboxComposer } from './web/mail/composers';

/**
 * The composition root: config is read and the adapters are built once per process, at module load, and
 * every handler takes what it needs from here. In AWS the environment comes from the CDK stateless stack;
 * offline, local/runtime.ts sets the same variables (plus the engine endpoints) before any handler loads,
 * so the local twin runs exactly this wiring against DynamoDB Local and the SES emulator.
 */
export const config = loadConfig(process.env);

const clock = systemClock;

const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

/**
 * One attempt per call, bounded in time: the delivery keeps its own retry schedule (a throttled mail waits
 * its backoff instead of holding the function), and a hung connection cannot outlive the delivery's claim.
 */
const ses = new SESv2Client({
  region: config.AWS_REGION,
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000 },
  ...(config.SES_ENDPOINT ? { endpoint: config.SES_ENDPOINT } : {}),
});

/**
 * Resolved on first use: only functions that sign or check links (or key people) read the secret. A failed
 * read is forgotten, so the next invocation tries again instead of failing for the container's lifetime.
 */
let secret: Promise<string> | undefined;
const tokenSecret = (): Promise<string> => {
  if (!secret) {
    const loading = loadTokenSecret(config);
    secret = loading;
    loading.catch(() => {
      if (secret === loading) secret = undefined;
    });
  }
  return secret;
};
let tokenSigner: TokenSigner | undefined;
const tokens = async (): Promise<TokenSigner> => {
  tokenSigner ??= new TokenSigner(await tokenSecret(), clock);
  return tokenSigner;
};
const ids = timeOrderedIds(clock);

/** EventBridge Scheduler in AWS; offline (SCHEDULER_MODE=table) the table, which local/scheduler fires from. */
const scheduler = ((): Scheduler => {
  const settings = schedulerSettings(config);
  if (settings.mode === 'table') return new TableScheduler(dynamo, config.TABLE_NAME);
  const { mode: _, ...aws } = settings;
  return new EventBridgeScheduler(new SchedulerClient({ region: config.AWS_REGION }), aws);
})();

const subscriptionStore = new DynamoSubscriptionStore(dynamo, config.TABLE_NAME);
const meetingStore = new DynamoMeetingStore(dynamo, config.TABLE_NAME);
const meetingPorts: MeetingPorts = { store: meetingStore, clock, ids, scheduler };
let personIds: PersonIds | undefined;
const keyedPeople = async () => {
  personIds ??= new PersonIds(await tokenSecret());
  return personIds;
};
let subscriptionPorts: (SubscriptionPorts & { tokens: TokenSigner }) | undefined;

const outboxLedger = new DynamoOutboxLedger(dynamo, config.TABLE_NAME);
const suppressions = new DynamoSuppressionList(dynamo, config.TABLE_NAME);
const mailer = new SesMailer(ses, {
  fromAddress: config.MAIL_FROM_ADDRESS,
  fromName: config.MAIL_FROM_NAME,
  ...(config.MAIL_REPLY_TO ? { replyTo: config.MAIL_REPLY_TO } : {}),
  ...(config.SES_CONFIGURATION_SET ? { configurationSet: config.SES_CONFIGURATION_SET } : {}),
});
const composeOutboxMail = outboxComposer(async () => ({
  tokens: await tokens(),
  siteUrl: config.PUBLIC_BASE_URL,
  organiserAddress: config.MAIL_FROM_ADDRESS,
  calendarDomain: new URL(config.PUBLIC_BASE_URL).hostname,
}));
const delivery: DeliveryPorts = {
  ledger: outboxLedger,
  mailer,
  compose: composeOutboxMail,
  suppressions,
  runJob: (job) => applyMeetingChange(meetingPorts, job),
  clock,
};

export const app = {
  config,
  clock,
  ids,
  siteUrl: config.PUBLIC_BASE_URL,
  tableName: config.TABLE_NAME,
  dynamo,
  mailer,
  tokens,
  /** One-time schedules (reminders): create, move, cancel. */
  scheduler,
  /** For reading lists and counts; needs no secret. */
  subscriptionStore,
  /** For the use cases that key people and sign or check links. */
  subscriptions: async (): Promise<SubscriptionPorts & { tokens: TokenSigner }> => {
    subscriptionPorts ??= {
      store: subscriptionStore,
      clock,
      ids,
      personIds: await keyedPeople(),
      tokens: await tokens(),
    };
    return subscriptionPorts;
  },
  /** Meetings for organisers and public reads: no secret needed. */
  meetings: meetingPorts,
  /** Registering and cancelling: people are keyed and links signed with the secret. */
  registrations: async (): Promise<MeetingPorts & { personIds: PersonIds; tokens: TokenSigner }> => ({
    ...meetingPorts,
    personIds: await keyedPeople(),
    tokens: await tokens(),
  }),
  /** The delivery state of outbox entries: claims, outcomes, what is due. */
  outboxLedger,
  /** Delivering outbox entries (the stream relay and the sweeper); the composer reads the secret when used. */
  delivery,
  suppressions,
  /** The organiser's test mail: the address is keyed to check the suppression list. */
  testMail: async (): Promise<TestMailPorts> => ({
    mailer,
    siteUrl: config.PUBLIC_BASE_URL,
    suppressions,
    personIds: await keyedPeople(),
  }),
  /** Applying SES events: the addresses they name are keyed with the secret. */
  feedback: async (): Promise<FeedbackPorts> => ({
    suppressions,
    ledger: outboxLedger,
    personIds: await keyedPeople(),
  }),
};
