import { createHash, randomBytes } from 'node:crypto';
import { appendAuditEvent } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { PersonKey, PersonState } from '../../identity/state/identity-state.ts';
import type { HumanIdentity } from '../../identity/viewer.ts';

/** How often a session's `lastSeenAt` is written at most: the idle timeout is this precise. */
const touchEveryMs = 60_000;

/** A cookie value: 32 random bytes, base64url (43 characters). Anything else is no session. */
const cookieValuePattern = /^[A-Za-z0-9_-]{43}$/;

export interface SessionSettings {
  sessionHours: number;
  idleMinutes: number;
}

/** A session just created: the cookie value goes to the browser once and is never stored. */
export interface NewSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
}

/** A live session: the person as the people store has them now. */
export interface ResolvedSession {
  human: HumanIdentity;
  csrfToken: string;
  signedInVia: string;
  expiresAt: Date;
  /** When it was last used (written at most once a minute): what `touch` compares against. */
  lastSeenAt: Date;
}

/**
 * The console's sessions, stored in the database so any replica serves any of them. A session
 * belongs to a person, never an agent: only the sign-in routes create one, and they map people of
 * the identity provider (or the development issuer's) only. A session ends at its absolute expiry,
 * when idle too long, at sign-out, and at the first request after its person stops being active.
 */
export class ConsoleSessions {
  constructor(
    private readonly prisma: PrismaClient,
    /** The people store (identity state): cached, told of changes by every replica. */
    private readonly people: { person(key: PersonKey): Promise<PersonState | null> },
    private readonly settings: SessionSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Signs an active person in, in the audit log too (`console.signed_in`, with how); sessions
   * already over are swept on the way.
   */
  async create(personId: string, signedInVia: string): Promise<NewSession> {
    const now = this.now();
    await this.prisma.consoleSession.deleteMany({
      where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: this.idleSince(now) } }] },
    });
    const cookieValue = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.settings.sessionHours * 3_600_000);
    await this.prisma.$transaction(async (tx) => {
      await tx.consoleSession.create({
        data: {
          id: sessionId(cookieValue),
          personId,
          csrfToken,
          signedInVia,
          createdAt: now,
          lastSeenAt: now,
          expiresAt,
        },
      });
      await appendAuditEvent(tx, {
        type: 'console.signed_in',
        actor: { humanId: personId },
        payload: { signedInVia, expiresAt },
      });
    });
    return { cookieValue, csrfToken, expiresAt };
  }

  /**
   * The session a cookie value names, if it still holds: not expired, not idle, its person active
   * (read from the database at every call, so a deactivation ends the session at once; an ended
   * session's row is deleted). Null otherwise. `touch: false` checks without counting as use:
   * an open stream re-checking its session does not keep an idle session alive.
   */
  async resolve(
    cookieValue: string,
    options: { touch: boolean } = { touch: true },
  ): Promise<ResolvedSession | null> {
    if (!cookieValuePattern.test(cookieValue)) return null;
    const id = sessionId(cookieValue);
    const session = await this.prisma.consoleSession.findUnique({
      where: { id },
      include: { person: { select: { active: true } } },
    });
    if (!session) return null;
    const now = this.now();
    if (session.expiresAt <= now || session.lastSeenAt <= this.idleSince(now)) {
      await this.prisma.consoleSession.deleteMany({ where: { id } });
      return null;
    }
    const person = session.person.active ? await this.people.person({ id: session.personId }) : null;
    if (!person?.active) {
      await this.prisma.consoleSession.deleteMany({ where: { personId: session.personId } });
      return null;
    }
    const { active: _active, ...human } = person;
    const resolved = {
      human,
      csrfToken: session.csrfToken,
      signedInVia: session.signedInVia,
      expiresAt: session.expiresAt,
      lastSeenAt: session.lastSeenAt,
    };
    if (options.touch) await this.touch(cookieValue, resolved);
    return resolved;
  }

  /**
   * Counts a resolved session as used now: written at most once a minute, and conditionally, so
   * replicas serving the same session at once write it once.
   */
  async touch(cookieValue: string, session: Pick<ResolvedSession, 'lastSeenAt'>): Promise<void> {
    const now = this.now();
    if (now.getTime() - session.lastSeenAt.getTime() < touchEveryMs) return;
    await this.prisma.consoleSession.updateMany({
      where: { id: sessionId(cookieValue), lastSeenAt: session.lastSeenAt },
      data: { lastSeenAt: now },
    });
  }

  /**
   * Signs out: the session is gone on every replica, and so are the streams it opened
   * (`console.signed_out` in the audit log).
   */
  async end(cookieValue: string): Promise<void> {
    if (!cookieValuePattern.test(cookieValue)) return;
    await this.prisma.$transaction(async (tx) => {
      const ended = await tx.consoleSession.findUnique({
        where: { id: sessionId(cookieValue) },
        select: { personId: true },
      });
      if (!ended) return;
      const { count } = await tx.consoleSession.deleteMany({ where: { id: sessionId(cookieValue) } });
      if (count > 0) {
        await appendAuditEvent(tx, { type: 'console.signed_out', actor: { humanId: ended.personId } });
        // Streams opened with the session check it again on every replica: signing out ends them.
        // Its own topic: the people caches of every replica stay as they are.
        await notifyChange(tx, 'console-sessions');
      }
    });
  }

  private idleSince(now: Date): Date {
    return new Date(now.getTime() - this.settings.idleMinutes * 60_000);
  }
}

/** What is stored of a cookie value: its SHA-256, so the table signs nobody in. */
function sessionId(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('hex');
}
