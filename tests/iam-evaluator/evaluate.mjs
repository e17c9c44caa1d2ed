// Test-time only: answers "would AWS allow this request?" for the pytest session.
//
// One JSON request per line on stdin, one JSON answer per line on stdout, in order:
//   {"identityPolicies": [{"name", "policy"}], "resourcePolicy"?: {...},
//    "principal", "action", "resource", "account", "context": {key: value | [values]}}
//   -> {"result": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Error",
//       "errors"?: ..., "nearMisses": [{"policy", "sid", "conditions": [...]}]}
// A near miss is a statement whose action and resource match the request but whose condition
// does not: it is what the test's failure names, with the condition keys the request lacked.
import { createInterface } from 'node:readline';
import { runSimulation } from '@cloud-copilot/iam-simulate';

function nearMisses(analysis) {
  const misses = [];
  for (const [where, part] of [['identity', analysis.identityAnalysis], ['resource', analysis.resourceAnalysis]]) {
    for (const statement of part?.unmatchedStatements ?? []) {
      if (statement.actionMatch && statement.resourceMatch !== false && statement.conditionMatch !== 'Match') {
        misses.push({
          policy: where === 'identity' ? statement.policyId : 'resource policy',
          sid: statement.explain?.identifier ?? null,
          conditions: (statement.explain?.conditions ?? [])
            .filter((condition) => !condition.matches)
            .map((condition) => ({
              operator: condition.operator,
              key: condition.conditionKeyValue,
              wanted: [condition.values ?? []].flat().map((v) => v.value),
              got: condition.resolvedConditionKeyValue ?? null,
            })),
        });
      }
    }
  }
  return misses;
}

async function evaluate(request) {
  const simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: request.context ?? {},
    },
    identityPolicies: request.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  if (request.resourcePolicy) simulation.resourcePolicy = request.resourcePolicy;
  const answer = await runSimulation(simulation, {});
  if (answer.resultType === 'error') return { result: 'Error', errors: answer.errors, nearMisses: [] };
  const analyses = answer.resultType === 'single' ? [answer.result] : answer.results;
  return {
    result: answer.overallResult,
    identityResult: analyses.map((a) => a.analysis.identityAnalysis?.result ?? null),
    resourceResult: analyses.map((a) => a.analysis.resourceAnalysis?.result ?? null),
    ignoredContextKeys: analyses.flatMap((a) => a.ignoredContextKeys ?? []),
    nearMisses: analyses.flatMap((a) => nearMisses(a.analysis)),
  };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let reply;
  try {
    reply = await evaluate(JSON.parse(line));
  } catch (error) {
    reply = { result: 'Error', errors: { message: String(error?.stack ?? error) }, nearMisses: [] };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
