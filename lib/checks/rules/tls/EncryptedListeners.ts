import { block, blocks, bool, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const LISTENER_TYPES = ['AWS::ElasticLoadBalancingV2::Listener', 'aws_lb_listener', 'aws_alb_listener'];
const PROXY_TYPES = ['google_compute_target_http_proxy'];

/** HA-TLS2: public listeners serve HTTPS, or only redirect to it. */
export const EncryptedListeners: HaRule = {
  id: 'HA-TLS2',
  level: 'error',
  category: 'security-hygiene',
  info: 'HTTP listeners (and Google HTTP proxies) only redirect to HTTPS.',
  explanation:
    'Plain HTTP exposes sessions to anyone on the path; a failover that moves users between regions must not also move them to an unencrypted endpoint.',
  resourceTypes: [...LISTENER_TYPES, ...PROXY_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const listeners = context.graph.ofType(...LISTENER_TYPES).flatMap((listener) => {
      const p = listener.properties;
      if (str(p.Protocol ?? p.protocol) !== 'HTTP') {
        return [];
      }
      const actions = blocks(p.DefaultActions ?? p.default_action);
      const redirects =
        actions.length > 0 &&
        actions.every((a) => {
          const redirect = block(a.RedirectConfig ?? a.redirect);
          return str(a.Type ?? a.type) === 'redirect' && str(redirect?.Protocol ?? redirect?.protocol) === 'HTTPS';
        });
      return [
        outcome(
          listener,
          redirects
            ? undefined
            : `${listener.address} serves plain HTTP: make its default action a redirect to HTTPS and serve traffic on an HTTPS listener`,
        ),
      ];
    });
    const proxies = context.graph.ofType(...PROXY_TYPES).map((proxy) => {
      const maps = context.graph.referencedBy(proxy, 'google_compute_url_map');
      const redirects =
        maps.length > 0 && maps.every((m) => bool(block(m.properties.default_url_redirect)?.https_redirect) === true);
      return outcome(
        proxy,
        redirects
          ? undefined
          : `${proxy.address} serves plain HTTP: point it at a URL map whose default_url_redirect sets https_redirect = true`,
      );
    });
    return [...listeners, ...proxies];
  },
};
