import { PlanProblem, PlanWarning } from '../errors';

/**
 * The plan of the container a Google `RegionalFleet`'s instances run: Container-Optimized OS boots
 * it from cloud-init as a systemd unit that Docker restarts, on the host's network, so that the
 * container answers the fleet's port (the autohealing check's liveness path and the load
 * balancer's readiness path) itself. The container startup agent (`gce-container-declaration`
 * metadata) stopped working on 31 July 2026, so cloud-init is the way Google documents.
 *
 * An instance pulls the image at every boot, which is when autohealing replaces an instance and the
 * autoscaler adds one, that is during an incident. So the image should come from Artifact Registry
 * (`<location>-docker.pkg.dev`), which instances without an external IP reach through Private
 * Google Access, in the fleet's region or a multi-region location (`us`, `europe`, `asia`): a
 * repository in another region makes every boot depend on that region. And it should be pinned by
 * digest: a tag moved after the rollout makes a replacement boot a version nobody rolled out.
 *
 * Worked example: `europe-docker.pkg.dev/acme/catalog/api@sha256:…` for a fleet in europe-west1
 * plans `cos-cloud/cos-stable`, a credential helper for `europe-docker.pkg.dev` and no warning;
 * `us-east4-docker.pkg.dev/acme/api/api:v3` for the same fleet warns twice (a tag, and a repository
 * in us-east4).
 * @see https://cloud.google.com/compute/docs/containers/prepare-for-container-agent-shutdown
 * @see https://cloud.google.com/container-optimized-os/docs/how-to/run-container-instance
 * @see https://cloud.google.com/artifact-registry/docs/repositories/repo-locations
 * @see https://cloud.google.com/vpc/docs/private-google-access
 */

/** The container, in core's terms. */
export interface FleetContainerIntent {
  /** The image reference as given (an opaque token when unknown at synthesis). */
  readonly image: string;
  /** Whether `image` is a literal the planner may check. */
  readonly imageKnown: boolean;
  /** The image's registry host (an opaque token when the image is one). */
  readonly registry: string;
  /** The fleet's region; undefined when unknown at synthesis. */
  readonly region?: string;
  /** Environment variables the container gets. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Arguments after the image (the container's command). */
  readonly args?: readonly string[];
  /** The boot image the user chose, when any. */
  readonly sourceImage?: string;
}

/** What the engine renders. */
export interface FleetContainerPlan {
  /** Boot image: Container-Optimized OS unless the user chose one. */
  readonly bootImage: string;
  /** Instance metadata: the cloud-init document and the container log collection. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** The systemd unit (and the container's name). */
export const FLEET_CONTAINER_UNIT = 'ha-workload';
/** Container-Optimized OS's stable image family, which ships cloud-init, Docker and the credential helper. */
export const CONTAINER_OPTIMIZED_OS = 'cos-cloud/cos-stable';
/** Artifact Registry's multi-region locations. */
const MULTI_REGION_LOCATIONS = ['us', 'europe', 'asia'];
const ARTIFACT_REGISTRY = /^([a-z0-9-]+)-docker\.pkg\.dev$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Plans the container: the image checks (when it is a literal) and the cloud-init document. */
export function planFleetContainer(intent: FleetContainerIntent): FleetContainerPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  if (intent.imageKnown) {
    checkImage(intent, problems, warnings);
  }
  for (const [name, value] of Object.entries(intent.environment ?? {})) {
    if (!ENV_NAME.test(name) || /[\r\n]/.test(value)) {
      problems.push({
        prop: 'container.environment',
        message:
          'container.environment must map names of letters, digits and _ to values without line breaks, ' +
          `got: ${JSON.stringify(name)}`,
      });
    }
  }
  for (const arg of intent.args ?? []) {
    if (/[\s"'\\]/.test(arg)) {
      problems.push({
        prop: 'container.args',
        message:
          'container.args must hold no whitespace, quote or backslash (systemd splits its command line on ' +
          `them), got: ${JSON.stringify(arg)}`,
      });
    }
  }
  const bootImage = intent.sourceImage ?? CONTAINER_OPTIMIZED_OS;
  if (intent.sourceImage !== undefined && !intent.sourceImage.startsWith('cos-cloud/')) {
    warnings.push({
      id: 'sourceImage',
      message:
        `the container is started by cloud-init with Docker and docker-credential-gcr, as Container-Optimized OS ` +
        `has them; ${intent.sourceImage} may have none of them, and then no instance serves`,
    });
  }
  return {
    bootImage,
    metadata: { 'user-data': cloudConfig(intent), 'google-logging-enabled': 'true' },
    problems,
    warnings,
  };
}

function checkImage(intent: FleetContainerIntent, problems: PlanProblem[], warnings: PlanWarning[]): void {
  const { image, registry } = intent;
  if (!/^[a-z0-9.-]+(:\d+)?\/[^\s@:]+(:[\w][\w.-]*)?(@sha256:[0-9a-f]{64})?$/.test(image)) {
    problems.push({
      prop: 'container.image',
      message:
        'container.image must be a registry host, a path and a tag or digest ' +
        `(europe-docker.pkg.dev/project/repository/image@sha256:...), got: ${image}`,
    });
    return;
  }
  if (!image.includes('@sha256:')) {
    warnings.push({
      id: 'container.image',
      message:
        `${image} is not pinned by digest: autohealing and the autoscaler create instances at any time, and a tag ` +
        'moved since the rollout boots a version nobody rolled out; pin it (@sha256:...)',
    });
  }
  const location = ARTIFACT_REGISTRY.exec(registry)?.[1];
  if (location === undefined) {
    warnings.push({
      id: 'container.image',
      message:
        `${registry} is not Artifact Registry: instances without an external IP pull it through Cloud NAT over the ` +
        'internet at every boot, so a NAT or registry outage stops autohealing and scale-out; copy the image into ' +
        'an Artifact Registry repository (reached through Private Google Access)',
    });
  } else if (!MULTI_REGION_LOCATIONS.includes(location) && intent.region !== undefined && location !== intent.region) {
    warnings.push({
      id: 'container.image',
      message:
        `the image lives in ${location}, not in the fleet's region ${intent.region}: while ${location} is down no ` +
        `instance of this fleet can boot; use a repository in ${intent.region} or a multi-region one ` +
        `(${MULTI_REGION_LOCATIONS.join(', ')})`,
    });
  }
}

/**
 * The cloud-init document: an environment file, a unit that pulls with the instance's service
 * account and runs the container on the host's network, restarted whenever it exits.
 */
function cloudConfig(intent: FleetContainerIntent): string {
  const unit = FLEET_CONTAINER_UNIT;
  const env = Object.entries(intent.environment ?? {}).map(([name, value]) => `${name}=${value}`);
  const command = [
    '/usr/bin/docker run --rm',
    `--name=${unit}`,
    '--network=host',
    `--env-file=/etc/${unit}/env`,
    intent.image,
    ...(intent.args ?? []),
  ].join(' ');
  const indent = (lines: string[]) => lines.map((l) => `      ${l}`).join('\n');
  return [
    '#cloud-config',
    'write_files:',
    `  - path: /etc/${unit}/env`,
    "    permissions: '0600'",
    '    owner: root',
    '    content: |',
    indent(['# the container environment', ...env]),
    `  - path: /etc/systemd/system/${unit}.service`,
    "    permissions: '0644'",
    '    owner: root',
    '    content: |',
    indent([
      '[Unit]',
      "Description=The fleet's workload container",
      'Wants=network-online.target gcr-online.target',
      'After=network-online.target gcr-online.target',
      '[Service]',
      `Environment=HOME=/var/lib/${unit}`,
      `ExecStartPre=/bin/mkdir -p /var/lib/${unit}`,
      `ExecStartPre=/usr/bin/docker-credential-gcr configure-docker --registries=${intent.registry}`,
      `ExecStartPre=-/usr/bin/docker rm -f ${unit}`,
      `ExecStart=${command}`,
      `ExecStop=/usr/bin/docker stop ${unit}`,
      'Restart=always',
      'RestartSec=5',
    ]),
    'runcmd:',
    '  - systemctl daemon-reload',
    `  - systemctl start ${unit}.service`,
    '',
  ].join('\n');
}
