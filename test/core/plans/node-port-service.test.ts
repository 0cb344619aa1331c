import { NODE_PORT_RANGE, planNodePortService } from '../../../lib/core/plans/node-port-service';

describe('planNodePortService', () => {
  test('GIVEN orders on 8080 and node port 30080 THEN the worked example of the doc', () => {
    const plan = planNodePortService({ name: 'orders', containerPort: 8080, nodePort: 30080 });
    expect(plan.problems).toEqual([]);
    expect(plan.service).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'orders', namespace: 'default', labels: { 'app.kubernetes.io/name': 'orders' } },
      spec: {
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
        selector: { 'app.kubernetes.io/name': 'orders' },
        ports: [{ name: 'http', protocol: 'TCP', port: 8080, targetPort: 8080, nodePort: 30080 }],
      },
    });
  });

  test('GIVEN no container port THEN the workload default (8080) is both the port and the target', () => {
    const [port] = planNodePortService({ name: 'orders', namespace: 'shop', nodePort: 30000 }).service.spec.ports;
    expect([port.port, port.targetPort]).toEqual([8080, 8080]);
  });

  test.each([
    [NODE_PORT_RANGE.min, true],
    [NODE_PORT_RANGE.max, true],
    [NODE_PORT_RANGE.min - 1, false],
    [NODE_PORT_RANGE.max + 1, false],
    [30080.5, false],
    [80, false],
  ])('GIVEN nodePort %p THEN accepted: %p', (nodePort, accepted) => {
    const { problems } = planNodePortService({ name: 'orders', nodePort });
    expect(problems).toEqual(
      accepted
        ? []
        : [
            {
              prop: 'nodePort',
              message: `nodePort must be an integer from 30000 to 32767 (Kubernetes' node port range), got: ${nodePort}`,
            },
          ],
    );
  });
});
