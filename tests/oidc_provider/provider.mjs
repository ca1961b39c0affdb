// A real OpenID Provider for Safekeep's tests: the certified `oidc-provider` package from npm,
// run on 127.0.0.1 and stopped by the tests (tests/oidc_provider/harness.py).
//
// Configured by the environment: OP_PORT, OP_CLIENT_ID, OP_CLIENT_SECRET, OP_REDIRECT_URIS and
// OP_POST_LOGOUT_REDIRECT_URIS (space-separated). Prints "listening ISSUER" once ready.
//
// The sign-in page is the test's stand-in for Entra ID's: it asks for an email address and
// whether the person "used multi-factor authentication" (then the ID token's `amr` is
// ["pwd", "mfa"], else ["pwd"]), and how many hours ago they signed in (`auth_time`).
// The account id (the `sub`, and Entra's `oid`) is derived from the email, stable.
//
// For the refusal tests, POST /_test/tamper with `mode=...` makes the NEXT token response's
// ID token wrong in one way (then the mode is cleared):
//   audience  - `aud` names another client (re-signed with the provider's own key)
//   issuer    - `iss` names another issuer (re-signed with the provider's own key)
//   expired   - `exp` an hour ago (re-signed with the provider's own key)
//   signature - signed by a key that is not the provider's, with the provider key's `kid`
//   replay    - the ID token issued before this one is sent again (its nonce is old)
import crypto from 'node:crypto';
import http from 'node:http';
import { URLSearchParams } from 'node:url';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.OP_PORT || 0);
const clientId = process.env.OP_CLIENT_ID || 'safekeep';
const clientSecret = process.env.OP_CLIENT_SECRET || 'safekeep-test-secret';
const redirectUris = (process.env.OP_REDIRECT_URIS || '').split(' ').filter(Boolean);
const logoutUris = (process.env.OP_POST_LOGOUT_REDIRECT_URIS || '').split(' ').filter(Boolean);

const kid = 'op-key-1';
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
const { privateKey: strangerKey } = await jose.generateKeyPair('RS256');

const emails = new Map(); // account id -> email
const accountIdFor = (email) =>
  `acct-${crypto.createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;

let tamperMode = '';
let lastIdToken = '';

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function tamper(idToken, mode) {
  const payload = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims, key) =>
    new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  if (mode === 'audience') return sign({ ...payload, aud: 'some-other-service' }, privateKey);
  if (mode === 'issuer') return sign({ ...payload, iss: 'http://127.0.0.1:1/other' }, privateKey);
  if (mode === 'expired') {
    return sign({ ...payload, iat: now - 7200, exp: now - 3600 }, privateKey);
  }
  if (mode === 'signature') return sign(payload, strangerKey);
  if (mode === 'replay' && lastIdToken) return lastIdToken;
  return idToken;
}

let issuer = '';
let provider;

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/_test/tamper' && req.method === 'POST') {
      tamperMode = (await readForm(req)).get('mode') || '';
      res.writeHead(204).end();
      return;
    }
    if (url.pathname.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'POST') {
        const form = await readForm(req);
        const email = (form.get('email') || '').trim();
        const accountId = accountIdFor(email);
        emails.set(accountId, email);
        const mfa = form.get('mfa') === 'yes';
        const hoursAgo = Number(form.get('hours_ago') || 0);
        const login = {
          accountId,
          amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
          acr: mfa ? 'possessionorinherence' : 'knowledge',
          ts: Math.floor(Date.now() / 1000 - hoursAgo * 3600),
        };
        const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
        grant.addOIDCScope('openid email profile');
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login, consent: { grantId } }, {
          mergeWithLastSubmission: false,
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Sign in to the test council', `
<form method="post" action="/interaction/${escape(details.uid)}">
<p><label for="email">Email address</label> <input id="email" name="email" type="email"></p>
<p><label for="mfa">Used multi-factor authentication</label>
<input id="mfa" name="mfa" type="checkbox" value="yes"></p>
<p><label for="hours_ago">Signed in this many hours ago</label>
<input id="hours_ago" name="hours_ago" value="0"></p>
<p><button type="submit">Sign in</button></p></form>`));
      return;
    }
    provider.callback()(req, res);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`test provider error: ${error}`);
  }
});

server.listen(port, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: logoutUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      require_auth_time: true,
    }],
    jwks: { keys: [signingJwk] },
    acrValues: ['knowledge', 'possessionorinherence'],
    claims: {
      acr: null, amr: null, auth_time: null, sid: null, iss: null,
      openid: ['sub', 'oid', 'amr', 'acr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'],
    },
    conformIdTokenClaims: false, // Entra puts the claims in the ID token too
    findAccount: async (ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, oid: id, email: emails.get(id) || '', email_verified: true }),
    }),
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Sign out of the test council', `${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out of the test council', '<p>You have signed out.</p>');
        },
      },
    },
    interactions: { url: async (ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.id_token) {
      const issued = ctx.body.id_token;
      if (tamperMode) {
        ctx.body = { ...ctx.body, id_token: await tamper(issued, tamperMode) };
        tamperMode = '';
      }
      lastIdToken = issued;
    }
  });
  console.log(`listening ${issuer}`);
});
