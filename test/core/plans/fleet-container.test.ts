import {
  CONTAINER_OPTIMIZED_OS,
  FleetContainerIntent,
  planFleetContainer,
} from '../../../lib/core/plans/fleet-container';

const DIGEST = `@sha256:${'e'.repeat(64)}`;

function plan(image: string, more: Partial<FleetContainerIntent> = {}) {
  return planFleetContainer({
    image,
    imageKnown: true,
    registry: image.split('/')[0],
    region: 'europe-west1',
    ...more,
  });
}

describe('planFleetContainer', () => {
  /*
   * | image                                         | warns                                   |
   * |-----------------------------------------------|-----------------------------------------|
   * | europe-docker.pkg.dev/…@sha256 (multi-region) | nothing                                 |
   * | europe-west1-docker.pkg.dev/…@sha256 (own)    | nothing                                 |
   * | us-east4-docker.pkg.dev/…@sha256 (another)    | every boot depends on us-east4          |
   * | europe-docker.pkg.dev/…:v3 (a tag)            | a moved tag boots an unreleased version |
   * | docker.io/…@sha256                            | pulled through NAT, over the internet   |
   */
  test.each([
    [`europe-docker.pkg.dev/acme/catalog/api${DIGEST}`, []],
    [`europe-west1-docker.pkg.dev/acme/catalog/api${DIGEST}`, []],
    [
      `us-east4-docker.pkg.dev/acme/catalog/api${DIGEST}`,
      [/lives in us-east4, not in the fleet's region europe-west1/],
    ],
    ['europe-docker.pkg.dev/acme/catalog/api:v3', [/is not pinned by digest/]],
    [`docker.io/library/nginx${DIGEST}`, [/docker\.io is not Artifact Registry/]],
  ])('GIVEN %s THEN the warnings are %p', (image, expected) => {
    const { warnings, problems } = plan(image);
    expect(problems).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual(expected.map((e) => expect.stringMatching(e)));
    expect(warnings.every((w) => w.id === 'container.image')).toBe(true);
  });

  test('GIVEN an image token THEN nothing about it is judged, and it is rendered as given', () => {
    const token = '${TfToken[TOKEN.7]}';
    const { warnings, problems, metadata } = plan(token, { imageKnown: false, registry: '${TfToken[TOKEN.8]}' });
    expect([...warnings, ...problems]).toEqual([]);
    expect(metadata['user-data']).toContain(` ${token}`);
    expect(metadata['user-data']).toContain('--registries=${TfToken[TOKEN.8]}');
  });

  test('THEN Container-Optimized OS runs the container from cloud-init on the host network, restarted when it exits', () => {
    const { bootImage, metadata } = plan(`europe-docker.pkg.dev/acme/catalog/api${DIGEST}`, {
      environment: { PORT: '8080' },
      args: ['serve'],
    });
    expect(bootImage).toBe(CONTAINER_OPTIMIZED_OS);
    expect(metadata['google-logging-enabled']).toBe('true');
    const lines = metadata['user-data'].split('\n');
    expect(lines[0]).toBe('#cloud-config');
    expect(lines).toEqual(
      expect.arrayContaining([
        '      PORT=8080',
        '      Restart=always',
        // The credential helper authenticates Docker with the instance's service account.
        '      ExecStartPre=/usr/bin/docker-credential-gcr configure-docker --registries=europe-docker.pkg.dev',
        `      ExecStart=/usr/bin/docker run --rm --name=ha-workload --network=host --env-file=/etc/ha-workload/env europe-docker.pkg.dev/acme/catalog/api${DIGEST} serve`,
        '  - systemctl start ha-workload.service',
      ]),
    );
  });

  test.each([
    [{ sourceImage: 'cos-cloud/cos-121-lts' }, []],
    [{ sourceImage: 'debian-cloud/debian-12' }, [/debian-cloud\/debian-12 may have none of them/]],
  ])('GIVEN %j THEN it boots that image, warned unless it is Container-Optimized OS', (more, expected) => {
    const result = plan(`europe-docker.pkg.dev/acme/catalog/api${DIGEST}`, more);
    expect(result.bootImage).toBe(more.sourceImage);
    expect(result.warnings.map((w) => w.message)).toEqual(expected.map((e) => expect.stringMatching(e)));
  });

  test.each([
    ['api:v3', 'container.image'],
    [`europe-docker.pkg.dev/acme/catalog/api${DIGEST}`, 'container.environment', { environment: { 'A-B': '1' } }],
    [`europe-docker.pkg.dev/acme/catalog/api${DIGEST}`, 'container.environment', { environment: { A: 'x\ny' } }],
    [`europe-docker.pkg.dev/acme/catalog/api${DIGEST}`, 'container.args', { args: ['"quoted"'] }],
  ])('GIVEN %s (%s) THEN a problem names the prop', (image, prop, more: Partial<FleetContainerIntent> = {}) => {
    expect(plan(image, more).problems.map((p) => p.prop)).toEqual([prop]);
  });
});
