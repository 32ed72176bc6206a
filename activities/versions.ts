/** The policy and calendar versions a workflow obtains at start and keeps. */
import { BusinessCalendar, SNAPSHOT_DAYS, type CalendarSnapshot } from '../contracts/calendar';
import { Policy, workflowPolicy, type PolicySnapshot } from '../contracts/policy';
import { localDate } from '../rules/working-days';
import type { ActivityDependencies } from './dependencies';
import { ApplicationFailure } from '@temporalio/activity';

export function createVersionActivities({ db }: ActivityDependencies) {
  return {
    async loadPolicy({ version }: { version: number }): Promise<PolicySnapshot> {
      const row = await db.selectFrom('policies').select(['version', 'document']).where('version', '=', version).executeTakeFirst();
      if (!row) {
        throw ApplicationFailure.nonRetryable(`policy version ${version} does not exist`, 'UnknownPolicyVersion');
      }
      return { version: row.version, policy: workflowPolicy(Policy.parse(row.document)) };
    },

    async loadCalendar({ from }: { from: string }): Promise<CalendarSnapshot> {
      const row = await db
        .selectFrom('calendars')
        .select(['version', 'document'])
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      const calendar = BusinessCalendar.parse(row.document);
      const first = localDate(new Date(from), calendar.timeZone);
      const last = localDate(new Date(Date.parse(from) + SNAPSHOT_DAYS * 86_400_000), calendar.timeZone);
      const within = (day: string): boolean => day >= first && day <= last;
      return {
        ...calendar,
        holidays: calendar.holidays.filter(within),
        makeUpWorkingDays: calendar.makeUpWorkingDays.filter(within),
        version: row.version,
        from: first,
        to: last,
      };
    },
  };
}
