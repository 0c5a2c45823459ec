import { z } from 'zod';
import { ConsentAnswer } from '../../../generated/prisma/enums.ts';

/** Ids are taken as any short string, as in request-input.ts: an invented id answers like a foreign one. */
const idSchema = z.string().trim().min(1).max(200);

/** How long "Always for this agent" lasts unless the person says otherwise, and at most. */
export const standingConsentDays = { default: 30, max: 90 } as const;

/** How long "Allow for this task" covers the task's identical requests. */
export const taskConsentHours = 24;

/** The person's answer to their agent's request. */
export const confirmationInputSchema = z
  .object({
    requestId: idSchema,
    answer: z.enum(ConsentAnswer),
    /** ALWAYS: how many days the standing consent lasts. */
    days: z.number().int().min(1).max(standingConsentDays.max).optional(),
  })
  .strict()
  .refine((input) => input.days === undefined || input.answer === 'ALWAYS', {
    path: ['days'],
    message: 'only a standing consent (ALWAYS) lasts a number of days',
  });

export type ConfirmationInput = z.input<typeof confirmationInputSchema>;

export const consentSettingsInputSchema = z
  .object({
    subAgentRequests: z.boolean().optional(),
    notMeRevokesDelegation: z.boolean().optional(),
  })
  .strict();

export type ConsentSettingsInput = z.input<typeof consentSettingsInputSchema>;

export const standingConsentIdSchema = idSchema;
