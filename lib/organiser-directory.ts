import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { organiserGroups } from '../functions/core/organisers/identity';

export interface OrganiserDirectoryProps {
  /**
   * Prefix of the hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`).
   * @default - no hosted domain; organisers sign in with SRP only
   */
  readonly domainPrefix?: string;
  /**
   * Pages the hosted sign-in may return organisers to. Setting them turns on the authorization code grant
   * (the client is public, so PKCE protects the code).
   * @default - no code grant; organisers sign in with SRP only
   */
  readonly callbackUrls?: readonly string[];
  /**
   * Pages the hosted sign-out may return organisers to.
   * @default - none
   */
  readonly logoutUrls?: readonly string[];
}

const groupDescriptions: Record<(typeof organiserGroups)[number], string> = {
  organisers: 'Creates meetings and reports, composes and sends mailings',
  admins: 'Everything organisers may, plus the administrative functions',
};

/**
 * The organisers' accounts: a Cognito user pool without self sign-up (an admin invites each organiser), with
 * the groups the handlers check, and one public app client whose ID tokens carry `email` and
 * `cognito:groups` for the HTTP API's JWT authorizer.
 */
export class OrganiserDirectory extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The token issuer the JWT authorizer trusts. */
  readonly issuerUrl: string;

  constructor(scope: Construct, id: string, props: OrganiserDirectoryProps = {}) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      // Plus tier: adaptive authentication and compromised-credential checks, for a handful of organisers.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userVerification: {
        emailSubject: 'Bevestig je e-mailadres voor Drop In',
        emailBody: 'Je bevestigingscode voor Drop In is {####}.',
        emailStyle: cognito.VerificationEmailStyle.CODE,
      },
      userInvitation: {
        emailSubject: 'Je account voor Drop In',
        emailBody:
          'Hallo, je bent uitgenodigd als organisator van Drop In. Je gebruikersnaam is {username} en je ' +
          'tijdelijke wachtwoord is {####}. Je kiest bij de eerste keer inloggen een eigen wachtwoord.',
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    organiserGroups.forEach((groupName, precedence) => {
      this.userPool.addGroup(`Group-${groupName}`, {
        groupName,
        description: groupDescriptions[groupName],
        precedence,
      });
    });

    const codeGrant = props.callbackUrls !== undefined && props.callbackUrls.length > 0;
    this.client = this.userPool.addClient('OrganiserClient', {
      // Public client (browser console, CLI): no secret; the code grant relies on PKCE instead.
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        emailVerified: true,
        fullname: true,
      }),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      ...(codeGrant
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
              callbackUrls: [...(props.callbackUrls ?? [])],
              logoutUrls: [...(props.logoutUrls ?? [])],
            },
          }
        : { disableOAuth: true }),
    });

    if (props.domainPrefix !== undefined) {
      const domain = this.userPool.addDomain('Domain', {
        cognitoDomain: { domainPrefix: props.domainPrefix },
      });
      new CfnOutput(this, 'SignInDomain', { value: domain.baseUrl() });
    }

    this.issuerUrl = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'ClientId', { value: this.client.userPoolClientId });
  }
}
