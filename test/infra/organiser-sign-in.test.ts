import { Match } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { cdkContext, synthesizeStage } from './synth';

// A stage with a hosted sign-in domain and a callback page turns on the authorization code grant.
const prod = (cdkContext.stages as Record<string, Record<string, unknown>>).prod;
const { statefulTemplate } = synthesizeStage({
  context: {
    stages: {
      prod: {
        ...prod,
        cognitoDomainPrefix: 'dropin-test',
        organiserCallbackUrls: ['https://dropin.example.org/organisator/terug'],
      },
    },
  },
});

describe('the organiser sign-in with a hosted domain', () => {
  it('uses the authorization code grant only (no implicit grant) and the hosted domain', () => {
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://dropin.example.org/organisator/terug'],
      AllowedOAuthScopes: Match.arrayWith(['openid', 'email']),
    });
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'dropin-test' });
  });
});
