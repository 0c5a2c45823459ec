import { DatasetKind, JoinPathKind, Sensitivity } from '../../../generated/prisma/enums.ts';
import { builder } from '../builder.ts';

export const SensitivityEnum = builder.enumType('Sensitivity', {
  description: 'How sensitive an object is, least to most: PUBLIC < INTERNAL < CONFIDENTIAL < RESTRICTED.',
  values: Object.values(Sensitivity),
});

export const DatasetKindEnum = builder.enumType('DatasetKind', { values: Object.values(DatasetKind) });

export const JoinPathKindEnum = builder.enumType('JoinPathKind', { values: Object.values(JoinPathKind) });
