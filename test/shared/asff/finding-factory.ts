/**
 * Small builders for ASFF findings of the kinds partners send, plus `withPath` to change one
 * member deep inside a finding. Every builder returns a fresh, valid finding.
 */

export type Finding = Record<string, unknown>;

export const ACCOUNT = '111122223333';
export const PRODUCT_ARN = 'arn:aws:securityhub:us-east-1::product/acme/scanner';
const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:30:00.123Z';

let sequence = 0;

/** A minimal valid finding with top-level Types and Severity (the classic partner shape). */
export function aFinding(overrides: Finding = {}): Finding {
  sequence += 1;
  return {
    SchemaVersion: '2018-10-08',
    Id: `acme-scanner/finding/${sequence}`,
    ProductArn: PRODUCT_ARN,
    GeneratorId: 'acme-scanner/rule/1',
    AwsAccountId: ACCOUNT,
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    CreatedAt: T0,
    UpdatedAt: T1,
    Severity: { Label: 'HIGH', Original: '8.1' },
    Title: 'Package with a known vulnerability',
    Description: 'openssl 3.0.1 on the instance has CVE-2022-0778.',
    Resources: [aResource()],
    ...overrides,
  };
}

export function aResource(overrides: Finding = {}): Finding {
  return {
    Type: 'AwsEc2Instance',
    Id: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234def567890`,
    Partition: 'aws',
    Region: 'us-east-1',
    ...overrides,
  };
}

/** A vulnerability finding with Vulnerabilities[] (CVSS, packages, fix). */
export function aVulnerabilityFinding(overrides: Finding = {}): Finding {
  return aFinding({
    Vulnerabilities: [
      {
        Id: 'CVE-2022-0778',
        VulnerablePackages: [
          { Name: 'openssl', Version: '3.0.1', Epoch: '0', Release: '1.el9', Architecture: 'x86_64', PackageManager: 'OS', FixedInVersion: '3.0.2' },
        ],
        Cvss: [{ Version: '3.1', BaseScore: 7.5, BaseVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', Source: 'NVD' }],
        Vendor: { Name: 'NVD', Url: 'https://nvd.nist.gov/vuln/detail/CVE-2022-0778', VendorSeverity: 'HIGH', VendorCreatedAt: '2022-03-15T17:15:00Z' },
        ReferenceUrls: ['https://www.openssl.org/news/secadv/20220315.txt'],
        FixAvailable: 'YES',
        ExploitAvailable: 'NO',
      },
    ],
    Remediation: { Recommendation: { Text: 'Upgrade openssl to 3.0.2 or later.', Url: 'https://example.com/fix' } },
    ...overrides,
  });
}

/** A misconfiguration (control check) finding with Compliance. */
export function aMisconfigurationFinding(overrides: Finding = {}): Finding {
  return aFinding({
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark'],
    Severity: { Label: 'MEDIUM' },
    Title: 'S3 bucket allows public read',
    Description: 'The bucket policy grants s3:GetObject to everyone.',
    Resources: [aResource({ Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::acme-public-assets', Details: { AwsS3Bucket: { OwnerId: 'abc', CreatedAt: '2023-01-01T00:00:00Z' } } })],
    Compliance: {
      Status: 'FAILED',
      RelatedRequirements: ['CIS AWS Foundations 2.1.5'],
      SecurityControlId: 'S3.2',
      StatusReasons: [{ ReasonCode: 'CONFIG_EVALUATIONS_EMPTY', Description: 'No evaluations.' }],
    },
    RecordState: 'ACTIVE',
    ...overrides,
  });
}

/** A threat-detection finding with Network, Process, Malware and ThreatIntelIndicators. */
export function aThreatFinding(overrides: Finding = {}): Finding {
  return aFinding({
    Types: ['TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS', 'Effects/Data Exfiltration'],
    Severity: { Label: 'CRITICAL' },
    Confidence: 80,
    Criticality: 90,
    Title: 'Instance talks to a known command-and-control server',
    Description: 'i-0abc queried a domain used by a botnet.',
    Network: {
      Direction: 'OUT',
      Protocol: 'UDP',
      SourceIpV4: '10.0.0.12',
      SourcePort: 53211,
      DestinationIpV4: '198.51.100.7',
      DestinationPort: 53,
      DestinationDomain: 'evil.example.com',
    },
    Process: { Name: 'curl', Path: '/usr/bin/curl', Pid: 4242, ParentPid: 1, LaunchedAt: '2024-05-01T09:59:00Z' },
    Malware: [{ Name: 'Mirai', Type: 'WORM', Path: '/tmp/.x', State: 'OBSERVED' }],
    ThreatIntelIndicators: [
      { Type: 'DOMAIN', Value: 'evil.example.com', Category: 'COMMAND_AND_CONTROL', Source: 'acme-intel', LastObservedAt: '2024-05-01T09:00:00Z' },
    ],
    RelatedFindings: [{ ProductArn: PRODUCT_ARN, Id: 'acme-scanner/finding/related' }],
    ...overrides,
  });
}

/** A sensitive-data finding (Sensitive Data Identifications) with DataClassification. */
export function aSensitiveDataFinding(overrides: Finding = {}): Finding {
  return aFinding({
    Types: ['Sensitive Data Identifications/PII/SensitiveData:S3Object-Personal'],
    Severity: { Label: 'LOW' },
    Title: 'Object contains personal data',
    Description: 'customers.csv holds 120 e-mail addresses.',
    Resources: [
      aResource({
        Type: 'AwsS3Bucket',
        Id: 'arn:aws:s3:::acme-exports',
        DataClassification: {
          DetailedResultsLocation: 's3://acme-results/1.jsonl',
          Result: {
            MimeType: 'text/csv',
            SizeClassified: 2048,
            Status: { Code: 'COMPLETE' },
            SensitiveData: [{ Category: 'PERSONAL_INFORMATION', TotalCount: 120, Detections: [{ Type: 'EMAIL_ADDRESS', Count: 120 }] }],
          },
        },
      }),
    ],
    ...overrides,
  });
}

/** A finding whose Types and Severity live only in FindingProviderFields. */
export function aProviderFieldsFinding(overrides: Finding = {}): Finding {
  const finding = aFinding({
    FindingProviderFields: {
      Confidence: 70,
      Criticality: 40,
      Severity: { Label: 'MEDIUM', Original: 'medium' },
      Types: ['Unusual Behaviors/User/Impossible travel'],
      RelatedFindings: [{ ProductArn: PRODUCT_ARN, Id: 'acme-scanner/finding/earlier' }],
    },
    ...overrides,
  });
  delete finding.Types;
  delete finding.Severity;
  return finding;
}

export const REMOVE = Symbol('remove');

/**
 * A copy of `finding` with the member at `path` (e.g. `Resources[0].Type`) set to `value`, or
 * deleted when `value` is REMOVE. Missing containers on the way are created.
 */
export function withPath(finding: Finding, path: string, value: unknown): Finding {
  const copy = structuredClone(finding);
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let node: Record<string, unknown> = copy;
  keys.slice(0, -1).forEach((key, i) => {
    if (node[key] === undefined) node[key] = /^\d+$/.test(keys[i + 1] ?? '') ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
  const last = keys.at(-1)!;
  if (value === REMOVE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}

export const times = <T>(count: number, make: (i: number) => T): T[] => Array.from({ length: count }, (_, i) => make(i));

/** Each kind of finding the factories make, from the minimal one to the richest: what a test runs over every kind. */
export const FINDING_KINDS = [aFinding, aVulnerabilityFinding, aMisconfigurationFinding, aThreatFinding, aSensitiveDataFinding, aProviderFieldsFinding] as const;
