/** Queries of the outbound email record. Plain rows out. */
import { desc } from 'drizzle-orm';
import { schema, type Db } from '../../db';

/** A recorded email. */
export type OutboundEmailRow = typeof schema.outboundEmails.$inferSelect;

/** Records one send attempt. */
export async function insertOutboundEmail(
  db: Db,
  row: {
    to: string;
    subject: string;
    text: string;
    html: string | null;
    status: 'sent' | 'failed';
    error: string | null;
  },
): Promise<OutboundEmailRow> {
  const [inserted] = await db.insert(schema.outboundEmails).values(row).returning();
  return inserted!;
}

/** The most recent emails, newest first. */
export async function listRecentEmails(db: Db, limit: number): Promise<OutboundEmailRow[]> {
  return db
    .select()
    .from(schema.outboundEmails)
    .orderBy(desc(schema.outboundEmails.createdAt), desc(schema.outboundEmails.id))
    .limit(limit);
}
