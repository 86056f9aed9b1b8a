import * as grpc from '@grpc/grpc-js';
import { unaryHandler } from './call-status.ts';
import type { ControlLogger } from './logger.ts';
import { toGetInfoResponse } from './node-info.ts';
import type { GetInfoRequestWire, GetInfoResponseWire, NodeInfoProvider } from './node-info.ts';
import { NO_MEDIA_STATS, toGetStatsResponse } from './node-stats.ts';
import type { StatsProvider } from './node-stats.ts';

/** Fully-qualified name of the service these handlers implement. */
export const NODE_SERVICE = 'edgegw.v1.NodeService';

/**
 * Handlers of edgegw.v1.NodeService, keyed by method name as grpc-js expects.
 *
 * @param node called once per GetInfo.
 * @param boundAddr the server's actual address, used when the provider gives no gRPC address.
 * @param stats media figures for GetStats; default all zero. Process figures are added here.
 */
export function nodeServiceHandlers(
  node: NodeInfoProvider,
  boundAddr: () => string,
  logger: ControlLogger,
  stats: StatsProvider = () => NO_MEDIA_STATS,
): grpc.UntypedServiceImplementation {
  const getInfo: grpc.handleUnaryCall<GetInfoRequestWire, GetInfoResponseWire> = (_call, callback) => {
    // Promise.resolve().then() turns a synchronous throw (provider or mapping) into a rejection too.
    Promise.resolve()
      .then(node)
      .then((info) => toGetInfoResponse(info, boundAddr()))
      .then(
        (response) => callback(null, response),
        (err: unknown) => {
          logger.error({ err, method: 'GetInfo' }, 'node info provider failed');
          callback({ code: grpc.status.INTERNAL, details: 'node info unavailable' });
        },
      );
  };
  const getStats = unaryHandler('GetStats', logger, async () => toGetStatsResponse(await stats()));
  return { GetInfo: getInfo, GetStats: getStats };
}
