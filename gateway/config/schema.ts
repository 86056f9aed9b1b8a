import { z } from 'zod';
import { RTSP_TRANSPORTS } from './runtime-state.ts';
import { ListenAddrError } from './errors.ts';
import { parseListenAddr, type ListenAddr } from './listen-addr.ts';

const listenAddr = z.string().transform((s, ctx): ListenAddr => {
  try {
    return parseListenAddr(s);
  } catch (err) {
    if (!(err instanceof ListenAddrError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.reason });
    return z.NEVER;
  }
});

const ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

/** A secret string: no surrounding whitespace (a pasted newline would never match). */
const secret = z
  .string()
  .min(1)
  .refine((v) => v.trim() === v, 'must not start or end with whitespace');

const natsUrl = z.url({
  protocol: /^(nats|tls|ws|wss)$/,
  error: 'must be a URL like nats://host:4222',
});

/**
 * The gateway's configuration: a YAML file, every key also settable by environment variable
 * (see env.ts). Unknown keys are errors, so a typo never silently falls back to a default.
 */
export const configSchema = z
  .object({
    /** Stable identity of this node in the fleet; NATS subjects and gRPC GetInfo use it. */
    nodeId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -')
      .optional(),
    http: z
      .object({
        addr: listenAddr.prefault('0.0.0.0:8080'),
        /** Bearer token WHEP's POST/PATCH/DELETE must carry (`Authorization: Bearer <token>`); unset: open. */
        whepToken: secret.optional(),
        /** Bearer token WHIP's POST/PATCH/DELETE must carry; unset: anyone may publish. */
        whipToken: secret.optional(),
      })
      .strict()
      .prefault({}),
    grpc: z
      .object({
        addr: listenAddr.prefault('127.0.0.1:50051'),
        /** Bearer token every edgegw.v1 call must carry (`authorization: Bearer <token>`). */
        token: secret.optional(),
        /** A file holding the token (k8s Secret style); surrounding whitespace is trimmed. */
        tokenFile: z.string().min(1).optional(),
        /** PEM file paths: server certificate and key; with `clientCa`, mTLS. */
        tls: z
          .object({
            cert: z.string().min(1).optional(),
            key: z.string().min(1).optional(),
            clientCa: z.string().min(1).optional(),
          })
          .strict()
          .prefault({}),
        /** Allow an unauthenticated control plane off loopback (warned about loudly). */
        insecure: z.boolean().default(false),
      })
      .strict()
      .superRefine((g, ctx) => {
        if (g.token !== undefined && g.tokenFile !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['tokenFile'],
            message: 'set grpc.token or grpc.tokenFile, not both',
          });
        const { cert, key, clientCa } = g.tls;
        if (cert !== undefined && key === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['tls', 'key'],
            message: 'required when grpc.tls.cert is set',
          });
        if (key !== undefined && cert === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['tls', 'cert'],
            message: 'required when grpc.tls.key is set',
          });
        if (clientCa !== undefined && cert === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['tls', 'cert'],
            message: 'required when grpc.tls.clientCa is set (mTLS needs a server certificate)',
          });
      })
      .prefault({}),
    webrtc: z
      .object({
        addr: listenAddr.prefault('0.0.0.0:8189'),
        /** Addresses advertised in ICE candidates; default: the bind address when it is specific. */
        publicIps: z.array(ip).default([]),
        /**
         * Send each viewer's media on a connected socket sharing the port (Linux; ~1.3 µs less CPU
         * per packet). It sets SO_REUSEADDR on the port after binding it exclusively once.
         */
        lanes: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    dataDir: z.string().min(1).default('./data'),
    nats: z.object({ url: natsUrl.optional() }).strict().prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
    demo: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .prefault({}),
    /**
     * Cameras, by stream name (the name viewers use in /whep/{name}). Public interface (issue 5):
     * `streams: { name: { url, transport, onDemand } }`.
     */
    streams: z
      .record(
        z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'stream names are 1-64 characters of A-Z a-z 0-9 _ -'),
        z
          .object({
            url: z.string().regex(/^rtsps?:\/\/[^\s]+$/, 'must be an rtsp:// or rtsps:// URL'),
            /** RTP over TCP interleaved (default: reliable through NAT and Wi-Fi), UDP, or UDP falling back to TCP. */
            transport: z.enum(RTSP_TRANSPORTS).default('tcp'),
            /** Connect on the first viewer, disconnect some seconds after the last. */
            onDemand: z.boolean().default(false),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();

/** The validated configuration. */
export type Config = z.output<typeof configSchema>;
/** What a YAML file or the environment may say (every key optional). */
export type ConfigInput = z.input<typeof configSchema>;
