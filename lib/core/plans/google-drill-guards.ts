/**
 * The guard rails every Google Cloud drill workflow shares (Google Cloud has no managed
 * fault-injection service with stop conditions): it does not start while the SLO's error budget is
 * spent or unknown (the freeze the budget alert announces), and an SLO alert's incident that opens
 * during the drill, read from a Pub/Sub subscription on the alerts' notification topic, stops it.
 * The steps read the workflow variables `project`, `slo` and `subscription`.
 * @see https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/api/timeseries-selectors
 * @see https://cloud.google.com/monitoring/support/notification-options#pubsub
 */

/** A Workflows expression: `${...}`. */
export const workflowExpr = (text: string) => '${' + text + '}';
const OAUTH = { type: 'OAuth2' };
const pubsub = (verb: string) => workflowExpr(`"https://pubsub.googleapis.com/v1/" + subscription + ":${verb}"`);

/**
 * Steps that end the run before the drill when the budget is spent (a result `started: false`), fail
 * it when the SLO reports no budget (no data is no licence), and seek the stop subscription to now
 * (alerts that opened before the drill are not its stop condition).
 */
export function freezeGuardSteps(): Record<string, unknown>[] {
  return [
    {
      // The budget the SLO has left over its window: spent (0 or less) is the freeze.
      readBudget: {
        call: 'http.get',
        args: {
          url: workflowExpr('"https://monitoring.googleapis.com/v3/projects/" + project + "/timeSeries"'),
          query: {
            filter: workflowExpr(`"select_slo_budget_fraction(\\"" + slo + "\\")"`),
            'interval.startTime': workflowExpr('time.format(sys.now() - 3600)'),
            'interval.endTime': workflowExpr('time.format(sys.now())'),
          },
          auth: OAUTH,
        },
        result: 'budget',
      },
    },
    {
      notInFreeze: {
        switch: [
          {
            condition: workflowExpr('len(default(map.get(budget.body, "timeSeries"), [])) == 0'),
            raise:
              'the SLO reports no error budget: the drill does not start without knowing the service can afford it',
          },
          {
            condition: workflowExpr('budget.body.timeSeries[0].points[0].value.doubleValue <= 0'),
            return: { started: false, reason: 'the error budget is spent: changes, drills included, are frozen' },
          },
        ],
      },
    },
    {
      skipOldAlerts: {
        call: 'http.post',
        args: { url: pubsub('seek'), body: { time: workflowExpr('time.format(sys.now())') }, auth: OAUTH },
      },
    },
  ];
}

/** Name of the subworkflow {@link stopRequestedSubworkflow} defines. */
export const STOP_REQUESTED = 'stopRequested';

/**
 * A subworkflow that reads what arrived on the stop subscription since the last read (and
 * acknowledges it): the text naming the SLO alert whose incident opened, or null.
 */
export function stopRequestedSubworkflow(): Record<string, unknown> {
  return {
    params: ['subscription'],
    steps: [
      {
        readAlerts: {
          call: 'http.post',
          args: { url: pubsub('pull'), body: { maxMessages: 20, returnImmediately: true }, auth: OAUTH },
          result: 'pulled',
        },
      },
      {
        initAcks: {
          assign: [
            { messages: workflowExpr('default(map.get(pulled.body, "receivedMessages"), [])') },
            { ackIds: [] },
            { stoppedBy: null },
          ],
        },
      },
      {
        readEach: {
          for: {
            value: 'received',
            in: workflowExpr('messages'),
            steps: [
              {
                decode: {
                  assign: [
                    { ackIds: workflowExpr('list.concat(ackIds, received.ackId)') },
                    {
                      incident: workflowExpr('map.get(json.decode(base64.decode(received.message.data)), "incident")'),
                    },
                  ],
                },
              },
              {
                opened: {
                  switch: [
                    {
                      condition: workflowExpr('incident != null and map.get(incident, "state") == "open"'),
                      assign: [
                        {
                          stoppedBy: workflowExpr(
                            '"the SLO alert " + map.get(incident, "policy_name") + " opened an incident"',
                          ),
                        },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        },
      },
      {
        acknowledge: {
          switch: [
            {
              condition: workflowExpr('len(ackIds) > 0'),
              steps: [
                {
                  ack: {
                    call: 'http.post',
                    args: { url: pubsub('acknowledge'), body: { ackIds: workflowExpr('ackIds') }, auth: OAUTH },
                  },
                },
              ],
            },
          ],
        },
      },
      { answer: { return: workflowExpr('stoppedBy') } },
    ],
  };
}
