/**
 * The ASFF enumerations the emulator checks: a short list written by hand from botocore's Security
 * Hub model (data/securityhub/2018-10-26/service-2.json, the `enum` of each named shape; last compared
 * with botocore 1.43.11). Assumption: kept to the members partners commonly send; other enum members
 * (those inside Resources[].Details and Detection.Sequence, e.g. ActorSessionMfaStatus) are not checked, which only makes the
 * emulator more lenient than Security Hub.
 */

/** Shape SeverityLabel (Severity.Label, FindingProviderSeverity.Label). */
export const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * Member path (`[]` = each item of a list) -> the model's enum shape for it. Severity.Label is not
 * here: it is checked with the rule that a finding's effective Severity needs one.
 */
export const ENUM_MEMBERS: ReadonlyArray<readonly [member: string, allowed: readonly string[]]> = [
  ['RecordState', ['ACTIVE', 'ARCHIVED']], // RecordState
  ['WorkflowState', ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'DEFERRED', 'RESOLVED']], // WorkflowState
  ['Workflow.Status', ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']], // WorkflowStatus
  ['VerificationState', ['UNKNOWN', 'TRUE_POSITIVE', 'FALSE_POSITIVE', 'BENIGN_POSITIVE']], // VerificationState
  ['Compliance.Status', ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']], // ComplianceStatus
  ['Network.Direction', ['IN', 'OUT']], // NetworkDirection
  ['Resources[].Partition', ['aws', 'aws-cn', 'aws-us-gov']], // Partition
  ['Malware[].Type', [
    'ADWARE', 'BLENDED_THREAT', 'BOTNET_AGENT', 'COIN_MINER', 'EXPLOIT_KIT', 'KEYLOGGER', 'MACRO', 'POTENTIALLY_UNWANTED',
    'SPYWARE', 'RANSOMWARE', 'REMOTE_ACCESS', 'ROOTKIT', 'TROJAN', 'VIRUS', 'WORM',
  ]], // MalwareType
  ['Malware[].State', ['OBSERVED', 'REMOVAL_FAILED', 'REMOVED']], // MalwareState
  ['ThreatIntelIndicators[].Type', [
    'DOMAIN', 'EMAIL_ADDRESS', 'HASH_MD5', 'HASH_SHA1', 'HASH_SHA256', 'HASH_SHA512', 'IPV4_ADDRESS', 'IPV6_ADDRESS', 'MUTEX', 'PROCESS', 'URL',
  ]], // ThreatIntelIndicatorType
  ['ThreatIntelIndicators[].Category', ['BACKDOOR', 'CARD_STEALER', 'COMMAND_AND_CONTROL', 'DROP_SITE', 'EXPLOIT_SITE', 'KEYLOGGER']], // ThreatIntelIndicatorCategory
  ['Vulnerabilities[].FixAvailable', ['YES', 'NO', 'PARTIAL']], // VulnerabilityFixAvailable
  ['Vulnerabilities[].ExploitAvailable', ['YES', 'NO']], // VulnerabilityExploitAvailable
];
