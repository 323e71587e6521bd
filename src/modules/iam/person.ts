/**
 * Real-name person data on accounts (IAM-01): the ID number and phone are sealed with the
 * master key; the database also keeps a masked form for display and a keyed digest of the ID
 * number, so "one person, one active account per unit" is checked without reading clear text.
 */
import type { MasterKey } from '../../server/secrets.ts';
import { maskCitizenId } from '../../lib/ids/citizen-id.ts';

export interface SealedPerson {
  citizen_id_digest: string;
  citizen_id_sealed: string;
  citizen_id_masked: string;
  phone_sealed: string;
  phone_masked: string;
  birth_date: string;
}

export function citizenIdDigest(key: MasterKey, id18: string): string {
  return key.digest('citizen-id', id18.toUpperCase());
}

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

export function sealPerson(
  key: MasterKey,
  person: { id18: string; birthDate: string; phone: string },
): SealedPerson {
  return {
    citizen_id_digest: citizenIdDigest(key, person.id18),
    citizen_id_sealed: key.seal(person.id18),
    citizen_id_masked: maskCitizenId(person.id18),
    phone_sealed: key.seal(person.phone),
    phone_masked: maskPhone(person.phone),
    birth_date: person.birthDate,
  };
}
