import { GraphResource } from './model';
import { block, isObject, JsonObject, str } from './values';

/**
 * The Kubernetes objects a synthesized resource applies, whichever way it is written: CDK's
 * `KubernetesManifest` (a JSON array, an `Fn::Join` when it holds tokens), Terraform's
 * `kubernetes_manifest` (one object in the API's terms) and the kubernetes provider's typed
 * resources (snake_case blocks).
 */

/** CDK's KubernetesManifest. */
export const CDK_KUBERNETES_MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';
const TF_MANIFEST = 'kubernetes_manifest';
const TF_KINDS: Readonly<Record<string, string>> = {
  kubernetes_deployment_v1: 'Deployment',
  kubernetes_deployment: 'Deployment',
  kubernetes_service_v1: 'Service',
  kubernetes_service: 'Service',
  kubernetes_ingress_v1: 'Ingress',
  kubernetes_ingress: 'Ingress',
};
/** What stands for an intrinsic function inside a manifest's JSON text. */
const UNRESOLVED = 'UNRESOLVED';

/** One object, as far as the report reads it. */
export interface KubernetesObject {
  /** The resource that applies it. */
  readonly resource: GraphResource;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** A Service's `spec.type` (`ClusterIP` when absent). */
  readonly serviceType?: string;
  /** A Service's load balancer class, or an Ingress's class: which controller builds its load balancer. */
  readonly loadBalancerClass?: string;
  /** The object's literal annotations (a controller reads its load balancer's settings from them). */
  readonly annotations: Readonly<Record<string, string>>;
}

/** The objects a resource applies: none for other resources, or when its manifest cannot be read. */
export function kubernetesObjects(resource: GraphResource): KubernetesObject[] {
  const tfKind = TF_KINDS[resource.type];
  if (tfKind !== undefined) {
    const metadata = block(resource.properties.metadata);
    const spec = block(resource.properties.spec);
    return [
      view(resource, tfKind, metadata, {
        type: spec?.type,
        loadBalancerClass: spec?.load_balancer_class,
        ingressClassName: spec?.ingress_class_name,
      }),
    ];
  }
  return manifestObjects(resource).map((object) => {
    const spec = block(object.spec);
    return view(resource, str(object.kind) ?? '', block(object.metadata), {
      type: spec?.type,
      loadBalancerClass: spec?.loadBalancerClass,
      ingressClassName: spec?.ingressClassName,
    });
  });
}

function view(
  resource: GraphResource,
  kind: string,
  metadata: JsonObject | undefined,
  spec: { type: unknown; loadBalancerClass: unknown; ingressClassName: unknown },
): KubernetesObject {
  return {
    resource,
    kind,
    namespace: str(metadata?.namespace) ?? 'default',
    name: str(metadata?.name) ?? resource.address,
    serviceType: kind === 'Service' ? (str(spec.type) ?? 'ClusterIP') : undefined,
    loadBalancerClass: str(spec.loadBalancerClass) ?? str(spec.ingressClassName),
    annotations: Object.fromEntries(
      Object.entries(block(metadata?.annotations) ?? {}).flatMap(([key, value]) => {
        const text = str(value);
        return text === undefined ? [] : [[key, text]];
      }),
    ),
  };
}

/** The objects of a manifest resource (CDK's or `kubernetes_manifest`). */
function manifestObjects(resource: GraphResource): JsonObject[] {
  if (resource.type === TF_MANIFEST) {
    return isObject(resource.properties.manifest) ? [resource.properties.manifest] : [];
  }
  if (resource.type !== CDK_KUBERNETES_MANIFEST) {
    return [];
  }
  const text = manifestText(resource.properties.Manifest);
  if (text === undefined) {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return (Array.isArray(parsed) ? parsed : [parsed]).filter(isObject);
  } catch {
    return [];
  }
}

/** The manifest's JSON text: a literal, or an `Fn::Join` whose intrinsic parts stand inside JSON strings. */
function manifestText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  const join = isObject(value) ? value['Fn::Join'] : undefined;
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) {
    return undefined;
  }
  return join[1].map((part: unknown) => (typeof part === 'string' ? part : UNRESOLVED)).join('');
}
