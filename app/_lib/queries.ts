/** The GraphQL documents the pages send, in one place so they are easy to check against the schema. */

export const RUN_SUMMARY_FIELDS = `
  id name preset engine backend dataset status owner tags group createdAt startedAt finishedAt
  durationSeconds queuePosition parameters
  progress { epoch epochs batch batches samplesPerSecond phase } waitingForWorker
  evaluation { accuracy macroF1 crossEntropy valAccuracy }
`;

export const EPOCH_FIELDS = `epoch lr trainLoss trainAccuracy valLoss valAccuracy seconds samplesPerSecond`;

export const RUN_DETAIL_FIELDS = `
  id name preset engine backend dataset seed status owner ownerId tags notes group config parameters
  can { cancel delete rename annotate clone }
  createdAt startedAt finishedAt heartbeatAt durationSeconds error codeVersion workerHost queuePosition
  progress { epoch epochs batch batches samplesPerSecond phase } waitingForWorker
  epochs { ${EPOCH_FIELDS} }
  evaluation {
    accuracy macroF1 crossEntropy trainAccuracy trainLoss valAccuracy valLoss count
    perClass { classIndex name precision recall f1 support }
    confusion classNames
  }
  robustness { sigma accuracy }
  modelPath bestEpoch stoppedEarly warning
  attempts { number workerHost workerPid resumedAfterEpoch startedAt endedAt outcome reason }
`;

export const RUNS_QUERY = `
  query Runs($filter: RunFilter, $sort: RunSort, $first: Int, $after: String) {
    runs(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { ${RUN_SUMMARY_FIELDS} } }
    }
    system { workers queued running defaultDataset }
  }
`;

export const RUNS_CHANGED = `subscription { runsChanged { kind runId status } }`;

export const RUN_QUERY = `query Run($id: ID!) { run(id: $id) { ${RUN_DETAIL_FIELDS} } }`;

/** Live status without the heavy fields (confusion etc.); epochs arrive on their own subscription. */
export const RUN_UPDATED = `
  subscription RunUpdated($id: ID!) {
    runUpdated(id: $id) {
      id status backend queuePosition startedAt finishedAt heartbeatAt durationSeconds error parameters
      bestEpoch stoppedEarly workerHost
      progress { epoch epochs batch batches samplesPerSecond phase } waitingForWorker
    }
  }
`;

export const EPOCH_ADDED = `subscription EpochAdded($runId: ID!) { epochAdded(runId: $runId) { runId ${EPOCH_FIELDS} } }`;

export const COMPARE_QUERY = `query Compare($ids: [ID!]!) { compare(ids: $ids) { ${RUN_DETAIL_FIELDS} } }`;

export const PRESETS_QUERY = `
  query Presets { presets { name group description engine config parameters } datasets { name title available isDefault hint } system { workers queued running defaultDataset } }
`;

export const DATASET_SAMPLES_QUERY = `
  query DatasetSamples($name: String!) { dataset(name: $name) { name classNames samples { classIndex label rows cols pixelsBase64 } } }
`;

export const DATASET_QUERY = `
  query Dataset($name: String!) {
    dataset(name: $name) {
      name title available hint isDefault classNames imageCount
      stats { counts mean std max min maxClass minClass maxMinRatio }
      splits { set images proportion minPerClass maxPerClass }
      samples { classIndex label rows cols pixelsBase64 }
    }
    datasets { name title available isDefault }
  }
`;

export const LAUNCH_RUN = `mutation LaunchRun($input: LaunchRunInput!) { launchRun(input: $input) { id name status } }`;
export const LAUNCH_STUDY = `mutation LaunchStudy($input: LaunchStudyInput) { launchStudy(input: $input) { id runs { id name preset status } } }`;
export const CANCEL_RUN = `mutation CancelRun($id: ID!) { cancelRun(id: $id) { id status } }`;
export const UPDATE_RUN = `mutation UpdateRun($id: ID!, $input: UpdateRunInput!) { updateRun(id: $id, input: $input) { id name tags notes } }`;

/** Every finished run with what the report needs (no confusion matrices: they are large). */
export const REPORT_QUERY = `
  query Report($after: String) {
    runs(filter: { status: [SUCCEEDED] }, sort: { field: CREATED_AT, direction: DESC }, first: 200, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        id name preset engine backend dataset status createdAt parameters group
        epochs { epoch trainLoss trainAccuracy valLoss valAccuracy }
        evaluation { accuracy macroF1 crossEntropy trainAccuracy trainLoss valAccuracy valLoss }
        robustness { sigma accuracy }
        bestEpoch
      } }
    }
  }
`;

// ---- Team access ------------------------------------------------------------------------------

export const ME_QUERY = `query Me { me { id name email role via limits { queuedRuns studiesPerHour runMemoryBytes runWork } } setupState { needed oidcName } }`;
export const SETUP_STATE = `query SetupState { setupState { needed local oidcName } }`;
export const SETUP_FIRST_ADMIN = `mutation SetupFirstAdmin($input: SetupInput!) { setupFirstAdmin(input: $input) { id name } }`;

export const ESTIMATE_RUN = `
  query EstimateRun($input: LaunchRunInput!) {
    estimateRun(input: $input) { parameters memoryBytes memoryLimitBytes work workLimit trainingSamples problems }
  }
`;

export const API_TOKENS = `query ApiTokens { apiTokens { id label start createdAt lastUsedAt } }`;
export const CREATE_API_TOKEN = `mutation CreateApiToken($label: String!) { createApiToken(label: $label) { token apiToken { id label start createdAt lastUsedAt } } }`;
export const REVOKE_API_TOKEN = `mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) }`;

const USER_FIELDS = `id name email role disabled createdAt queuedRunLimit studiesPerHourLimit`;
export const USERS_QUERY = `query Users { users { ${USER_FIELDS} } me { id } }`;
export const CREATE_USER = `mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { ${USER_FIELDS} } generatedPassword } }`;
export const UPDATE_USER = `mutation UpdateUser($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER_FIELDS} } }`;

export const AUDIT_LOG = `
  query AuditLog($filter: AuditFilter, $first: Int, $before: ID) {
    auditLog(filter: $filter, first: $first, before: $before) {
      entries { id at actorId actorName via action runId groupId targetUserId address detail }
      hasMore
    }
    users { id name }
  }
`;

/** A run's own history from the audit trail ("cancelled by Dana, 14:02"). */
export const RUN_HISTORY = `query RunHistory($id: ID!) { run(id: $id) { id history { id at actorName via action detail } } }`;
