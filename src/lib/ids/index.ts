export {
  computeCitizenIdCheckChar,
  isValidCitizenId,
  makeCitizenId,
  maskCitizenId,
  parseCitizenId,
} from './citizen-id.ts';
export type { CitizenId, CitizenIdError, CitizenIdOptions, CitizenIdResult } from './citizen-id.ts';
export {
  computeCreditCodeCheckChar,
  computeOrgCodeCheckChar,
  isValidCreditCode,
  makeCreditCode,
  parseCreditCode,
} from './credit-code.ts';
export type {
  CreditCode,
  CreditCodeError,
  CreditCodeOptions,
  CreditCodeResult,
} from './credit-code.ts';
