import { checkRna, checkSiren, checkSiret, checkVatNumber, sirenOfSiret, vatNumberOfSiren } from '../src';

describe('SIREN', () => {
  test('9 digits with a Luhn checksum; value is the compact form', () => {
    expect(checkSiren('552081317')).toEqual({ valid: true, value: '552081317' });
    expect(checkSiren('552 081 317')).toEqual({ valid: true, value: '552081317' });
    expect(checkSiren('552081318')).toEqual({ valid: false, reason: 'The number checksum or check digit is invalid.' });
    expect(checkSiren('12345678')).toEqual({ valid: false, reason: 'The number has an invalid length.' });
    expect(checkSiren('55208131A').valid).toBe(false);
    expect(checkSiren('356000000').valid).toBe(true); // La Poste
  });
});

describe('SIRET', () => {
  test('Luhn over 14 digits', () => {
    expect(checkSiret('732 829 320 00074')).toEqual({ valid: true, value: '73282932000074' });
    expect(checkSiret('73282932000075').valid).toBe(false);
    expect(checkSiret('7328293200007').valid).toBe(false);
  });

  test('La Poste: the head office by Luhn, other establishments by digit sum multiple of 5', () => {
    expect(checkSiret('35600000000048')).toEqual({ valid: true, value: '35600000000048' });
    // La Poste establishments from stdnum's own test data: digit sums 35 and 45, Luhn fails.
    expect(checkSiret('356 000 000 09075')).toEqual({ valid: true, value: '35600000009075' });
    expect(checkSiret('35600000049837').valid).toBe(true);
    expect(checkSiret('35600000049838').valid).toBe(false);
  });

  test('sirenOfSiret', () => {
    expect(sirenOfSiret('356 000 000 00048')).toBe('356000000');
    expect(sirenOfSiret('73282932000074')).toBe('732829320');
  });
});

describe('RNA', () => {
  test('W followed by 9 digits, upper-cased', () => {
    expect(checkRna('W123456789')).toEqual({ valid: true, value: 'W123456789' });
    expect(checkRna(' w123456789 ')).toEqual({ valid: true, value: 'W123456789' });
    expect(checkRna('W12345').valid).toBe(false);
    expect(checkRna('123456789').valid).toBe(false);
    expect(checkRna('W12345678A').valid).toBe(false);
  });
});

describe('VAT', () => {
  test('FR + key + SIREN', () => {
    expect(vatNumberOfSiren('552081317')).toBe('FR03552081317'); // EDF
    expect(vatNumberOfSiren('356000000')).toBe(`FR${String((12 + 3 * (356000000 % 97)) % 97).padStart(2, '0')}356000000`);
    expect(() => vatNumberOfSiren('12345')).toThrow(RangeError);
  });

  test('the computed number passes stdnum’s check', () => {
    for (const siren of ['552081317', '356000000', '243400017', '732829320']) {
      expect(checkVatNumber(vatNumberOfSiren(siren))).toEqual({ valid: true, value: vatNumberOfSiren(siren) });
    }
    expect(checkVatNumber('FR 03 552 081 317')).toEqual({ valid: true, value: 'FR03552081317' });
    expect(checkVatNumber('FR04552081317').valid).toBe(false);
  });
});
