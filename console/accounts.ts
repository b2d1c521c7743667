import { isLang, type Lang } from '../services/i18n';
import type { Redis } from '../services/redis';
import { consoleKeyPrefix, RedisConsoleKv, type ConsoleKv } from './kv';
import { decoyHash, hashPassword, verifyPassword } from './passwords';

export type Role = 'counsellor' | 'supervisor';
export const ROLES: readonly Role[] = ['counsellor', 'supervisor'];

/** A console account as the page and the script see it (never the hash). */
export interface Account {
  username: string;
  /** The name the user sees when this counsellor joins. */
  alias: string;
  role: Role;
  languages: Lang[];
  /** How many chats this counsellor may hold at once. */
  capacity: number;
  createdAt: number;
}

interface StoredAccount extends Account {
  passwordHash: string;
}

export interface NewAccount {
  username: string;
  alias?: string;
  role: Role;
  languages: string[];
  capacity?: number;
}

/** A refused account change, with a one-line reason for the operator. */
export class AccountError extends Error {}

export const MIN_PASSWORD_LENGTH = 10;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const ACCOUNTS = 'accounts';

/** The name as stored, or null when it cannot be a user name (so whatever a stranger typed is never recorded). */
export function normalUsername(username: string): string | null {
  const name = username.trim().toLowerCase();
  return USERNAME.test(name) ? name : null;
}

export function checkUsername(username: string): string {
  const name = normalUsername(username);
  if (!name) throw new AccountError('user name must be 2-32 of a-z, 0-9, dot, dash or underscore');
  return name;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

function publicView({ passwordHash: _hash, ...account }: StoredAccount): Account {
  return account;
}

/** Console accounts in one hash keyed by user name; passwords stored only as scrypt hashes. */
export class AccountStore {
  constructor(private readonly kv: ConsoleKv, private readonly clock: () => number = Date.now) {}

  async add(input: NewAccount, password: string): Promise<Account> {
    const username = checkUsername(input.username);
    checkPassword(password);
    if (!ROLES.includes(input.role)) throw new AccountError(`role must be one of ${ROLES.join(', ')}`);
    const languages = [...new Set(input.languages.map((l) => l.trim()))];
    if (languages.length === 0 || !languages.every(isLang)) throw new AccountError('languages must be a comma-separated list of as, hi, en');
    const capacity = input.capacity ?? 3;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 10) throw new AccountError('capacity must be a whole number from 1 to 10');
    const alias = (input.alias ?? username).trim().slice(0, 32);
    if (await this.kv.hashGet(ACCOUNTS, username)) throw new AccountError(`account ${username} already exists`);
    const stored: StoredAccount = {
      username, alias, role: input.role, languages: languages as Lang[], capacity, createdAt: this.clock(),
      passwordHash: await hashPassword(password),
    };
    await this.kv.hashSet(ACCOUNTS, username, stored);
    return publicView(stored);
  }

  async remove(username: string): Promise<boolean> {
    return this.kv.hashDel(ACCOUNTS, checkUsername(username));
  }

  async list(): Promise<Account[]> {
    const all = await this.kv.hashAll<StoredAccount>(ACCOUNTS);
    return all.map(publicView).sort((a, b) => a.username.localeCompare(b.username));
  }

  async get(username: string): Promise<Account | null> {
    const stored = await this.kv.hashGet<StoredAccount>(ACCOUNTS, username.trim().toLowerCase());
    return stored ? publicView(stored) : null;
  }

  async resetPassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    const name = checkUsername(username);
    const stored = await this.kv.hashGet<StoredAccount>(ACCOUNTS, name);
    if (!stored) throw new AccountError(`no account ${name}`);
    await this.kv.hashSet(ACCOUNTS, name, { ...stored, passwordHash: await hashPassword(password) });
  }

  /** The account when the password matches; null otherwise, after the same scrypt work either way. */
  async verify(username: string, password: string): Promise<Account | null> {
    const stored = await this.kv.hashGet<StoredAccount>(ACCOUNTS, username.trim().toLowerCase());
    const ok = await verifyPassword(password, stored?.passwordHash ?? (await decoyHash()));
    return ok && stored ? publicView(stored) : null;
  }
}

/** The accounts where the console server keeps them, for scripts/counsellor.ts. */
export function consoleAccounts(redis: Redis, keyPrefix: string): AccountStore {
  return new AccountStore(new RedisConsoleKv(redis, consoleKeyPrefix(keyPrefix)));
}
