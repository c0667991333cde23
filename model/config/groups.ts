import { groupKey, serviceKey, slotKey } from "./keys";
import type { PartialService } from "./partial";
import type { ConfigProblem } from "./problems";
import { COLORS, groupSchema, type RawGroup } from "./schema";
import type { ServiceConfig } from "./settings";

/**
 * Rules of `switchyard:groups`. A group's members keep their own `live` and
 * `canary` keys (so every command, the program, the fast path and the status
 * read a member like any service), and these rules hold them together: a
 * member that disagrees with the group is refused, naming its key. The group
 * commands (`--group`) edit every member at once, so they never disagree.
 */
export function groupProblems(raw: Readonly<Record<string, unknown>>, services: readonly PartialService[]): ConfigProblem[] {
  const groups = wellFormedGroups(raw.groups);
  const known = isRecord(raw.services) ? Object.keys(raw.services) : [];
  const firstGroupOf = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const [name, group] of groups) {
    const members: ServiceConfig[] = [];
    const reliable = new Map<string, ReadonlySet<string>>();
    for (const member of new Set(group.services)) {
      if (!known.includes(member)) {
        problems.push({ key: groupKey(name, "services"), value: member, allowed: `names of services of this stack (${known.join(", ")}); ${member} is not one` });
        continue;
      }
      const earlier = firstGroupOf.get(member);
      if (earlier !== undefined) {
        problems.push({
          key: groupKey(name, "services"),
          value: member,
          allowed: `services in no other group: ${member} is already in ${groupKey(earlier, "services")} (a service belongs to at most one group)`,
        });
        continue;
      }
      firstGroupOf.set(member, name);
      const found = services.find((candidate) => candidate.service.name === member);
      if (found === undefined) continue;
      members.push(found.service);
      reliable.set(member, found.unreliable);
    }
    problems.push(...memberProblems(name, group.lanes ?? false, members, reliable));
  }
  return problems;
}

/** Members must agree on canary and (during a canary, or always with lanes) on the live color; with lanes each runs both colors. */
function memberProblems(group: string, lanes: boolean, members: readonly ServiceConfig[], unreliable: ReadonlyMap<string, ReadonlySet<string>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const trusted = (member: ServiceConfig, ...fields: string[]) => !fields.some((field) => unreliable.get(member.name)?.has(field));
  if (lanes) {
    for (const member of members) {
      for (const color of COLORS) {
        if (member.slots[color] !== undefined || !trusted(member, color)) continue;
        problems.push({
          key: slotKey(member.name, color),
          value: undefined,
          allowed: `a slot with a version: ${groupKey(group, "lanes")} is true, so every member of ${group} runs both colors (a request in the ${color} lane must find a ${color} ${member.name}); deploy one, or set ${groupKey(group, "lanes")} to false`,
        });
      }
    }
  }
  const names = members.map((member) => member.name).join(", ");
  const reference = members.find((member) => trusted(member, "canary", "live"));
  if (reference === undefined) return problems;
  const others = members.filter((member) => member !== reference);
  for (const member of others.filter((m) => trusted(m, "canary") && m.canary !== reference.canary)) {
    problems.push({
      key: serviceKey(member.name, "canary"),
      value: member.canary,
      allowed: `${reference.canary}, the canary of ${reference.name}: the members of ${groupKey(group)} (${names}) move together; use switchyard canary --group ${group} <percent>`,
    });
  }
  const canaryRuns = members.some((member) => trusted(member, "canary") && member.canary > 0);
  if (!lanes && !canaryRuns) return problems;
  const why = lanes
    ? `with ${groupKey(group, "lanes")} true a request keeps its color at every member, so every member's live color must be the same`
    : `a group canary sends the same color of every member, so the members of ${groupKey(group)} (${names}) need one live color`;
  for (const member of others.filter((m) => trusted(m, "live") && m.live !== reference.live)) {
    problems.push({
      key: serviceKey(member.name, "live"),
      value: member.live,
      allowed: `${reference.live}, the live color of ${reference.name}: ${why}; move them together with switchyard promote|rollback --group ${group}`,
    });
  }
  return problems;
}

/** The groups whose own shape is right; the shape problems of the others are reported by the schema. */
function wellFormedGroups(raw: unknown): [string, RawGroup][] {
  if (!isRecord(raw)) return [];
  return Object.entries(raw).flatMap(([name, value]): [string, RawGroup][] => {
    const parsed = groupSchema.safeParse(value);
    return parsed.success ? [[name, parsed.data]] : [];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
