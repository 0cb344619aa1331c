import { IntegrationTimeout } from './api/IntegrationTimeout';
import { AuditTrail } from './aud/AuditTrail';
import { AuditTrailPresent } from './aud/AuditTrailPresent';
import { GoogleAuditLogs } from './aud/GoogleAuditLogs';
import { AntiAffinityPlacement } from './az/AntiAffinityPlacement';
import { ComputeSpansZones } from './az/ComputeSpansZones';
import { EcsTaskPlacement } from './az/EcsTaskPlacement';
import { LoadBalancerSpansZones } from './az/LoadBalancerSpansZones';
import { ZonalImpairmentDetection } from './az/ZonalImpairmentDetection';
import { GrayFailureAzRto } from './az/GrayFailureAzRto';
import { GkeRegionalCluster } from './az/GkeRegionalCluster';
import { WorkloadSpread } from './az/WorkloadSpread';
import { BackupPlanPerTier } from './bak/BackupPlan';
import { BackupRetention } from './bak/BackupRetention';
import { BackupVaultPerTier } from './bak/BackupVaultPerTier';
import { RestoreTesting } from './bak/RestoreTesting';
import { CloudRunMinInstances } from './cap/CloudRunMinInstances';
import { FunctionProvisionedConcurrency } from './cap/FunctionProvisionedConcurrency';
import { StaticallyStableCapacity } from './cap/StaticallyStableCapacity';
import { MultiAzDatabase } from './db/MultiAzDatabase';
import { DeploymentRollback } from './dep/DeploymentRollback';
import { SpannerConfiguration } from './db/SpannerConfiguration';
import { DeletionProtection } from './del/DeletionProtection';
import { RetainStatefulResources } from './del/RetainStatefulResources';
import { DnsTtlWithinTier } from './dns/DnsTtlWithinTier';
import { HealthCheckWithinRto } from './dns/HealthCheckWithinRto';
import { RoutedRecordsHealthChecked } from './dns/RoutedRecordsHealthChecked';
import { CloudRunRegions } from './dr/CloudRunRegions';
import { CloudSqlDrReplica } from './dr/CloudSqlDrReplica';
import { CorroboratedPromotion } from './dr/CorroboratedPromotion';
import { CrossRegionReplica } from './dr/CrossRegionReplica';
import { DataResidency } from './dr/DataResidency';
import { GoogleFailoverRunbooks } from './dr/GoogleFailoverRunbooks';
import { ImagesInRegion } from './dr/ImagesInRegion';
import { RegionParity } from './dr/RegionParity';
import { ReplicationLag } from './dr/ReplicationLag';
import { ServingWritesCopied } from './dr/ServingWritesCopied';
import { DrillMeasurementsFresh } from './drl/DrillMeasurementsFresh';
import { DrillTemplate } from './drl/DrillTemplate';
import { GoogleRegionDrill } from './drl/GoogleRegionDrill';
import { GoogleZoneDrill } from './drl/GoogleZoneDrill';
import { CustomerManagedKeys } from './enc/CustomerManagedKeys';
import { NoWildcardActions } from './iam/NoWildcardActions';
import { KeyRotation } from './kms/KeyRotation';
import { Autohealing } from './lb/Autohealing';
import { CrossZoneLoadBalancing } from './lb/CrossZoneLoadBalancing';
import { ShallowReplacementCheck } from './lb/ShallowReplacementCheck';
import { StandbyBackends } from './lb/StandbyBackends';
import { TargetHealthChecks } from './lb/TargetHealthChecks';
import { LogRetention } from './log/LogRetention';
import { NatGatewayPerZone } from './net/NatGatewayPerZone';
import { AlarmActions } from './obs/AlarmActions';
import { BurnRateAlarms } from './obs/BurnRateAlarms';
import { FailoverPagesSubscribed } from './obs/FailoverPagesSubscribed';
import { GoogleDashboard } from './obs/GoogleDashboard';
import { PagingBeyondEmail } from './obs/PagingBeyondEmail';
import { SyntheticProbes } from './obs/SyntheticProbes';
import { DeadLetterQueues } from './que/DeadLetterQueues';
import { QueueBacklogScaling } from './que/QueueBacklogScaling';
import { ObjectivesMet } from './res/ObjectivesMet';
import { ObjectivesProven } from './res/ObjectivesProven';
import { HaRule } from './rule';
import { ScalingMaximum } from './scl/ScalingMaximum';
import { SecretReplicas } from './sec/SecretReplicas';
import { SecretRotation } from './sec/SecretRotation';
import { EncryptedListeners } from './tls/EncryptedListeners';
import { TlsOnlyDataAccess } from './tls/TlsOnlyDataAccess';
import { RateLimitedEntryPoints } from './waf/RateLimitedEntryPoints';

export * from './rule';
export {
  AuditTrail,
  AuditTrailPresent,
  GoogleAuditLogs,
  AntiAffinityPlacement,
  ComputeSpansZones,
  EcsTaskPlacement,
  LoadBalancerSpansZones,
  ZonalImpairmentDetection,
  GrayFailureAzRto,
  WorkloadSpread,
  GkeRegionalCluster,
  BackupPlanPerTier,
  BackupRetention,
  BackupVaultPerTier,
  RestoreTesting,
  StaticallyStableCapacity,
  FunctionProvisionedConcurrency,
  CloudRunMinInstances,
  DeploymentRollback,
  MultiAzDatabase,
  SpannerConfiguration,
  DeletionProtection,
  RetainStatefulResources,
  DnsTtlWithinTier,
  HealthCheckWithinRto,
  RoutedRecordsHealthChecked,
  CrossRegionReplica,
  DataResidency,
  ReplicationLag,
  RegionParity,
  ImagesInRegion,
  ServingWritesCopied,
  CloudSqlDrReplica,
  CloudRunRegions,
  GoogleFailoverRunbooks,
  CorroboratedPromotion,
  DrillTemplate,
  GoogleZoneDrill,
  GoogleRegionDrill,
  DrillMeasurementsFresh,
  CustomerManagedKeys,
  NoWildcardActions,
  KeyRotation,
  Autohealing,
  CrossZoneLoadBalancing,
  TargetHealthChecks,
  ShallowReplacementCheck,
  StandbyBackends,
  LogRetention,
  NatGatewayPerZone,
  AlarmActions,
  BurnRateAlarms,
  FailoverPagesSubscribed,
  SyntheticProbes,
  GoogleDashboard,
  PagingBeyondEmail,
  ObjectivesMet,
  ObjectivesProven,
  ScalingMaximum,
  SecretReplicas,
  SecretRotation,
  EncryptedListeners,
  TlsOnlyDataAccess,
  RateLimitedEntryPoints,
  DeadLetterQueues,
  QueueBacklogScaling,
  IntegrationTimeout,
};

/** Every rule of the pack, in the order of RULES.md. */
export const HA_RULES: readonly HaRule[] = [
  ComputeSpansZones,
  EcsTaskPlacement,
  LoadBalancerSpansZones,
  ZonalImpairmentDetection,
  GrayFailureAzRto,
  WorkloadSpread,
  GkeRegionalCluster,
  AntiAffinityPlacement,
  StaticallyStableCapacity,
  FunctionProvisionedConcurrency,
  CloudRunMinInstances,
  ScalingMaximum,
  TargetHealthChecks,
  Autohealing,
  CrossZoneLoadBalancing,
  ShallowReplacementCheck,
  StandbyBackends,
  DeploymentRollback,
  NatGatewayPerZone,
  MultiAzDatabase,
  SpannerConfiguration,
  CrossRegionReplica,
  DataResidency,
  ReplicationLag,
  RegionParity,
  ImagesInRegion,
  ServingWritesCopied,
  CloudSqlDrReplica,
  GoogleFailoverRunbooks,
  CorroboratedPromotion,
  CloudRunRegions,
  BackupRetention,
  BackupPlanPerTier,
  BackupVaultPerTier,
  RestoreTesting,
  RetainStatefulResources,
  DeletionProtection,
  CustomerManagedKeys,
  TlsOnlyDataAccess,
  EncryptedListeners,
  KeyRotation,
  SecretRotation,
  SecretReplicas,
  RoutedRecordsHealthChecked,
  DnsTtlWithinTier,
  HealthCheckWithinRto,
  BurnRateAlarms,
  AlarmActions,
  PagingBeyondEmail,
  FailoverPagesSubscribed,
  SyntheticProbes,
  GoogleDashboard,
  DrillTemplate,
  GoogleZoneDrill,
  GoogleRegionDrill,
  DrillMeasurementsFresh,
  AuditTrail,
  AuditTrailPresent,
  GoogleAuditLogs,
  LogRetention,
  NoWildcardActions,
  RateLimitedEntryPoints,
  DeadLetterQueues,
  QueueBacklogScaling,
  IntegrationTimeout,
  ObjectivesMet,
  ObjectivesProven,
];
