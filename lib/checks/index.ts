// HA checks and the resilience report read synthesized JSON; see issue "HA checks and the resilience report".
export {};
