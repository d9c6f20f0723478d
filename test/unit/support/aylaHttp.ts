// REST helpers for tests against the simulator over real sockets (undici).
import { request } from 'undici';
import type { SignInResponse, Subscription, SubscriptionCreateRequest, SubscriptionWrapper } from '../../../src/ayla/wireTypes';

export interface Reply<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  body: T;
}

export interface CallOptions {
  token?: string;
  /** Serialized as JSON. */
  json?: unknown;
  /** Sent as-is (for malformed bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

export type Method = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

export async function call<T = unknown>(baseUrl: string, method: Method, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== undefined) headers.authorization = `auth_token ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.json !== undefined) body = JSON.stringify(options.json);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await request(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.body.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    parsed = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, body: parsed as T };
}

export interface Login {
  email: string;
  password: string;
  appId: string;
  appSecret: string;
}

export function signInBody(login: Login): unknown {
  return { user: { email: login.email, password: login.password, application: { app_id: login.appId, app_secret: login.appSecret } } };
}

export async function signIn(baseUrl: string, login: Login): Promise<SignInResponse> {
  const reply = await call<SignInResponse>(baseUrl, 'POST', '/users/sign_in.json', { json: signInBody(login) });
  if (reply.status !== 200) throw new Error(`sign-in of ${login.email} answered ${reply.status}: ${reply.text}`);
  return reply.body;
}

export async function createSubscription(baseUrl: string, token: string, fields: Partial<SubscriptionCreateRequest> & Record<string, unknown> = {}): Promise<Subscription> {
  const body = { name: 'test-subscription', description: '', oem_model: '*', dsn: '*', property_name: '*', client_type: 'mobile', subscription_type: 'datapoint', batch_size: 1, ...fields };
  const reply = await call<SubscriptionWrapper>(baseUrl, 'POST', '/api/v1/subscriptions.json', { token, json: body });
  if (reply.status !== 201) throw new Error(`create subscription answered ${reply.status}: ${reply.text}`);
  return reply.body.subscription;
}

/** The message of an API error body `{"error":{"message":"…"}}` (fails the test if the shape differs). */
export function apiErrorMessage(body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  if (typeof message !== 'string') throw new Error(`not an {"error":{"message":…}} body: ${JSON.stringify(body)}`);
  return message;
}

/** The message of a user-service error body `{"error":"…"}`. */
export function userErrorMessage(body: unknown): string {
  const message = (body as { error?: unknown } | undefined)?.error;
  if (typeof message !== 'string') throw new Error(`not an {"error":"…"} body: ${JSON.stringify(body)}`);
  return message;
}
