import { DAILY_REPORT, documentsOf, FINAL_REPORT } from '../plan-documents.js';
import type { BuiltDocument, DocumentBuilder, ReportFacts } from '../types.js';
import { applicationChecklist } from './checklist.js';
import { fileBase } from './common.js';
import { dailyReport } from './daily.js';
import { deploymentReport } from './deployment.js';
import { finalDeploymentReport } from './final.js';
import { loadTestResults } from './load-test.js';
import { performanceComparison } from './performance.js';
import { rollbackTestReport } from './rollback.js';
import { changeManagementApproval, contingencyPlanReview, genericDocument, riskAssessment } from './templates.js';

/**
 * Which builder makes which document. The plan names documents by id (the
 * seed's "Documentation Required" list); an id golive has no builder for
 * still gets a document: the run's results, or a template when the plan
 * says a person supplies it.
 */
const BUILDERS: Record<string, DocumentBuilder> = {
  staging_deployment_report: deploymentReport,
  performance_comparison: performanceComparison,
  load_test_results: loadTestResults,
  rollback_test_report: rollbackTestReport,
  application_validation_checklist: applicationChecklist,
  risk_assessment: riskAssessment,
  contingency_plan_review: contingencyPlanReview,
  change_management_approval: changeManagementApproval,
  [DAILY_REPORT.id]: dailyReport,
  [FINAL_REPORT.id]: finalDeploymentReport,
};

export function buildDocuments(facts: ReportFacts): BuiltDocument[] {
  return documentsOf(facts.plan, facts.checkpoint).map(({ doc, required }) => {
    const builder = BUILDERS[doc.id];
    // A builder for a generated document applies only when the plan agrees it is generated (and the same for templates).
    const built = builder && (doc.generated || !isGeneratedBuilder(doc.id)) ? builder(facts, doc) : genericDocument(facts, doc);
    const filename = `${fileBase(facts)}-${doc.id}.md`;
    return {
      ...built,
      required,
      markdown: { filename, title: `${doc.title} · ${facts.checkpoint.id} run #${facts.run.number}`, mimetype: 'text/markdown', bytes: Buffer.from(built.markdown, 'utf8') },
    };
  });
}

function isGeneratedBuilder(id: string): boolean {
  return !['risk_assessment', 'contingency_plan_review', 'change_management_approval'].includes(id);
}
