/**
 * Second factor (第二认证因子, IAM-07) by TOTP (RFC 6238): SHA-1, 6 digits, 30-second steps —
 * the defaults every authenticator app understands. It stands in for the documents' USB-KEY.
 *
 * Replay: a code stays valid for its whole step (and ±1 step of drift), so a caller that
 * accepts a code must record the step it matched (`matchTotpStep`) and pass it back as
 * `afterStep`, which refuses that step and every earlier one.
 */
import { generateSecret, generateURI, verify } from 'otplib';

/** Seconds per TOTP step (RFC 6238 default). */
export const TOTP_PERIOD_SECONDS = 30;
/** Accepted clock drift, in steps either side of the current one. */
export const TOTP_DRIFT_STEPS = 1;
export const DEFAULT_TOTP_ISSUER = 'mzhub 民政数据共享平台';

const SIX_DIGITS = /^\d{6}$/;

export interface TotpVerifyOptions {
  /** Refuse codes of this step and earlier: the last step accepted for this account. */
  afterStep?: number | null;
}

/**
 * A new random secret (20 bytes, Base32) and the otpauth:// URL to show as a QR code.
 *
 * @example
 * const { secret, otpauthUrl } = await createTotpSecret('zhangwei');
 * // otpauthUrl: 'otpauth://totp/mzhub%20%E6%B0%91…:zhangwei?secret=…&issuer=mzhub%20%E6%B0%91…'
 */
export async function createTotpSecret(
  accountName: string,
  issuer: string = DEFAULT_TOTP_ISSUER,
): Promise<{ secret: string; otpauthUrl: string }> {
  const secret = generateSecret();
  const otpauthUrl = generateURI({
    issuer,
    label: accountName,
    secret,
    period: TOTP_PERIOD_SECONDS,
  });
  return { secret, otpauthUrl };
}

/**
 * Whether `token` is the code of `secret` at time `at`, allowing ±1 step of clock drift.
 * Anything but exactly six ASCII digits is refused without computing a code (the caller
 * strips spaces if the UI lets users type "123 456"). An invalid secret throws: that is a
 * broken enrolment, not a wrong code.
 *
 * @example
 * await verifyTotp(secret, '123456', new Date()) // true or false
 * await verifyTotp(secret, code, new Date(), { afterStep: lastUsedStep }) // refuses replays
 */
export async function verifyTotp(
  secret: string,
  token: string,
  at: Date,
  options: TotpVerifyOptions = {},
): Promise<boolean> {
  return (await matchTotpStep(secret, token, at, options)) !== null;
}

/**
 * Like verifyTotp, but returns the step the code belongs to (null when refused), to be
 * stored as the account's last used step and passed as `afterStep` next time. With drift
 * the matched step may be one more or one less than `totpStep(at)`.
 *
 * @example
 * const step = await matchTotpStep(secret, code, now, { afterStep: account.totpLastStep });
 * if (step === null) throw new Error('动态口令错误或已使用');
 * account.totpLastStep = step;
 */
export async function matchTotpStep(
  secret: string,
  token: string,
  at: Date,
  options: TotpVerifyOptions = {},
): Promise<number | null> {
  if (!SIX_DIGITS.test(token)) return null;
  const epoch = epochSeconds(at);
  const afterStep = options.afterStep ?? undefined;
  // otplib throws when afterStep lies beyond the window; such a step refuses every code.
  if (afterStep !== undefined && afterStep >= totpStep(at) + TOTP_DRIFT_STEPS) return null;
  const result = await verify({
    secret,
    token,
    epoch,
    period: TOTP_PERIOD_SECONDS,
    // In seconds: one period either way covers exactly the previous and next step.
    epochTolerance: TOTP_DRIFT_STEPS * TOTP_PERIOD_SECONDS,
    ...(afterStep !== undefined && afterStep >= 0 ? { afterTimeStep: afterStep } : {}),
  });
  // delta is the matched step's offset from the step containing `at`.
  return result.valid ? totpStep(at) + result.delta : null;
}

/**
 * The RFC 6238 time step containing `at`: floor(unix seconds / 30). Two logins with codes
 * of the same step are a replay.
 *
 * @example
 * totpStep(new Date('2025-01-01T00:00:15Z')) // 57856320
 */
export function totpStep(at: Date): number {
  return Math.floor(epochSeconds(at) / TOTP_PERIOD_SECONDS);
}

function epochSeconds(at: Date): number {
  const ms = at.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('TOTP time must be a valid date');
  return Math.floor(ms / 1000);
}
