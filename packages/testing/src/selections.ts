/** Every field of a record's `provenance` (the `Provenance` type all subgraphs share), as a selection. */
export const PROVENANCE_SELECTION = 'provenance { kind sources rule enteredBy enteredAt }';
