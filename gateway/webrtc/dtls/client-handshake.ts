import { ByteWriter } from './byte-writer.ts';
import { decodeCertificateRequest } from './certificate-request.ts';
import { encodeCertificateVerify } from './certificate-verify.ts';
import { decodeCertificateMessage, encodeCertificateMessage } from './certificate-message.ts';
import { cipherSuiteById } from './cipher-suite.ts';
import { encodeClientHello, type ClientHello } from './client-hello.ts';
import { encodeClientKeyExchange } from './client-key-exchange.ts';
import { DTLS1_2 } from './content-type.ts';
import { DtlsHandshakeError } from './errors.ts';
import { RoleState } from './role-state.ts';
import {
  decodeUseSrtp,
  encodeEcPointFormats,
  encodeExtendedMasterSecret,
  encodeRenegotiationInfo,
  encodeSignatureAlgorithms,
  encodeSupportedGroups,
  encodeUseSrtp,
  ExtensionType,
  findExtension,
  NamedGroup,
  SignatureScheme,
  type Extension,
} from './extension.ts';
import { decodeFinished, encodeFinished } from './finished.ts';
import type { FlightItem } from './flight.ts';
import { encodeHandshakeMessage, HandshakeType } from './handshake-header.ts';
import type { HandshakeHost, HandshakeRole, ReceivedMessage } from './handshake-host.ts';
import { decodeHelloVerifyRequest } from './hello-verify-request.ts';
import { generateEphemeralKey } from './key-exchange.ts';
import { helloRandom } from './random.ts';
import { decodeServerHello } from './server-hello.ts';
import { decodeServerKeyExchange, encodeEcdhParams } from './server-key-exchange.ts';
import { signEcdsaSha256, verifiableSchemes, verifySignature } from './signature.ts';

/**
 * Client handshake states: RFC 5246 §7.3 as DTLS flights (RFC 6347 §4.2.4).
 *
 *   idle --start--> wait-server-hello                          (flight 1: ClientHello)
 *   wait-server-hello --HelloVerifyRequest--> wait-server-hello (flight 3: ClientHello with cookie)
 *   wait-server-hello --ServerHello--> wait-certificate
 *   wait-certificate --Certificate--> wait-server-key-exchange
 *   wait-server-key-exchange --ServerKeyExchange--> wait-server-hello-done
 *   wait-server-hello-done --CertificateRequest--> wait-server-hello-done
 *   wait-server-hello-done --ServerHelloDone--> wait-finished  (flight 5: Certificate, ClientKeyExchange,
 *                                                              CertificateVerify, ChangeCipherSpec, Finished)
 *   wait-finished --[ChangeCipherSpec] Finished--> connected   (flight 6 received)
 */
export type ClientState =
  | 'idle'
  | 'wait-server-hello'
  | 'wait-certificate'
  | 'wait-server-key-exchange'
  | 'wait-server-hello-done'
  | 'wait-finished'
  | 'connected';

const NEXT: Record<ClientState, readonly ClientState[]> = {
  idle: ['wait-server-hello'],
  'wait-server-hello': ['wait-server-hello', 'wait-certificate'],
  'wait-certificate': ['wait-server-key-exchange'],
  'wait-server-key-exchange': ['wait-server-hello-done'],
  'wait-server-hello-done': ['wait-server-hello-done', 'wait-finished'],
  'wait-finished': ['connected'],
  connected: [],
};

/** HelloVerifyRequests accepted before giving up (a server that never accepts its own cookie). */
const MAX_HELLO_VERIFY = 4;

export class ClientHandshake implements HandshakeRole {
  private readonly m = new RoleState<ClientState>('client handshake', 'idle', NEXT);
  private hello: ClientHello | undefined;
  private helloVerifies = 0;
  private certificateRequested = false;
  private serverGroup = 0;
  private serverPublic: Uint8Array = new Uint8Array(0);
  private offeredGroups: number[] = [];

  constructor(private readonly host: HandshakeHost) {}

  get state(): ClientState {
    return this.m.state;
  }

  private go(next: ClientState): void {
    this.m.go(next);
  }

  start(): void {
    const { options, session } = this.host;
    session.clientRandom = helloRandom();
    // supported_groups also bounds the curve of the server's ECDSA certificate (RFC 8422 §5.1.1):
    // secp256r1 stays listed even when ECDHE is restricted to x25519, or P-256 servers must refuse.
    this.offeredGroups = options.groups.includes(NamedGroup.secp256r1)
      ? [...options.groups]
      : [...options.groups, NamedGroup.secp256r1];
    const ext: Extension[] = [
      encodeSupportedGroups(this.offeredGroups),
      encodeEcPointFormats([0]),
      encodeSignatureAlgorithms(verifiableSchemes),
      encodeExtendedMasterSecret(),
      encodeRenegotiationInfo(),
    ];
    if (options.srtpProfiles.length > 0)
      ext.push(encodeUseSrtp({ profiles: [...options.srtpProfiles], mki: new Uint8Array(0) }));
    this.hello = {
      version: DTLS1_2,
      random: session.clientRandom,
      sessionId: new Uint8Array(0),
      cookie: new Uint8Array(0),
      cipherSuites: [...options.cipherSuites],
      compressionMethods: [0],
      extensions: ext,
    };
    this.go('wait-server-hello');
    this.host.sendFlight(
      [this.host.message(HandshakeType.clientHello, encodeClientHello(this.hello))],
      false,
    );
  }

  handle(msg: ReceivedMessage): void {
    const { session, options } = this.host;
    const unexpected = (): never => {
      throw new DtlsHandshakeError(
        'unexpected_message',
        `got handshake type ${msg.msgType} in state ${this.m.state}`,
        {
          code: 'DTLS_UNEXPECTED_MESSAGE',
        },
      );
    };
    switch (this.m.state) {
      case 'wait-server-hello':
        if (msg.msgType === HandshakeType.helloVerifyRequest) return this.onHelloVerify(msg);
        if (msg.msgType !== HandshakeType.serverHello) return unexpected();
        return this.onServerHello(msg);
      case 'wait-certificate': {
        if (msg.msgType !== HandshakeType.certificate) return unexpected();
        session.acceptRemoteCertificate(
          decodeCertificateMessage(msg.body).certificates,
          options.remoteFingerprints,
        );
        this.add(msg);
        return this.go('wait-server-key-exchange');
      }
      case 'wait-server-key-exchange': {
        if (msg.msgType !== HandshakeType.serverKeyExchange) return unexpected();
        const m = decodeServerKeyExchange(msg.body);
        if (!this.offeredGroups.includes(m.namedCurve)) {
          throw new DtlsHandshakeError(
            'illegal_parameter',
            `server chose group ${m.namedCurve} we did not offer`,
          );
        }
        const signed = new ByteWriter()
          .bytes(session.clientRandom)
          .bytes(session.serverRandom)
          .bytes(encodeEcdhParams(m.namedCurve, m.publicKey))
          .finish();
        // The signature must be of the suite's kind: ECDSA for ECDHE_ECDSA, RSA for ECDHE_RSA (RFC 8422 §5.4).
        const rsaScheme = (m.signatureScheme & 0xff) === 1 || m.signatureScheme >> 8 === 8;
        if (rsaScheme !== (session.suite?.auth === 'rsa')) {
          throw new DtlsHandshakeError(
            'illegal_parameter',
            'ServerKeyExchange signature does not match the suite',
            {
              code: 'DTLS_BAD_SIGNATURE',
            },
          );
        }
        if (
          !session.remoteKey ||
          !verifySignature(m.signatureScheme, session.remoteKey, signed, m.signature)
        ) {
          throw new DtlsHandshakeError('decrypt_error', 'ServerKeyExchange signature does not verify', {
            code: 'DTLS_BAD_SIGNATURE',
          });
        }
        this.serverGroup = m.namedCurve;
        session.group = m.namedCurve;
        this.serverPublic = Uint8Array.from(m.publicKey);
        this.add(msg);
        return this.go('wait-server-hello-done');
      }
      case 'wait-server-hello-done':
        if (msg.msgType === HandshakeType.certificateRequest && !this.certificateRequested) {
          decodeCertificateRequest(msg.body);
          this.certificateRequested = true;
          this.add(msg);
          return this.go('wait-server-hello-done');
        }
        if (msg.msgType !== HandshakeType.serverHelloDone) return unexpected();
        if (msg.body.length !== 0)
          throw new DtlsHandshakeError('decode_error', 'ServerHelloDone with a body');
        this.add(msg);
        return this.sendFlight5();
      case 'wait-finished': {
        if (msg.msgType !== HandshakeType.finished) return unexpected();
        if (msg.epoch === 0) {
          throw new DtlsHandshakeError('unexpected_message', 'Finished was not protected', {
            code: 'DTLS_UNEXPECTED_MESSAGE',
          });
        }
        session.checkVerifyData('server finished', decodeFinished(msg.body).verifyData);
        this.add(msg);
        this.go('connected');
        return this.host.complete();
      }
      case 'idle':
      case 'connected':
        return unexpected();
    }
  }

  private add(msg: ReceivedMessage): void {
    this.host.session.addTranscript(encodeHandshakeMessage(msg.msgType, msg.messageSeq, msg.body));
  }

  private onHelloVerify(msg: ReceivedMessage): void {
    const hvr = decodeHelloVerifyRequest(msg.body);
    if (!this.hello || ++this.helloVerifies > MAX_HELLO_VERIFY) {
      throw new DtlsHandshakeError('handshake_failure', 'too many HelloVerifyRequests');
    }
    // RFC 6347 §4.2.1: same parameters, the cookie added; neither the first ClientHello nor the
    // HelloVerifyRequest enters the transcript (§4.2.6).
    this.hello = { ...this.hello, cookie: Uint8Array.from(hvr.cookie) };
    this.host.session.resetTranscript();
    this.go('wait-server-hello');
    this.host.sendFlight(
      [this.host.message(HandshakeType.clientHello, encodeClientHello(this.hello))],
      false,
    );
  }

  private onServerHello(msg: ReceivedMessage): void {
    const { session, options } = this.host;
    const sh = decodeServerHello(msg.body);
    if (sh.version !== DTLS1_2)
      throw new DtlsHandshakeError('protocol_version', `server chose version 0x${sh.version.toString(16)}`);
    const suite = options.cipherSuites.includes(sh.cipherSuite) ? cipherSuiteById(sh.cipherSuite) : undefined;
    if (!suite)
      throw new DtlsHandshakeError(
        'illegal_parameter',
        `server chose cipher suite 0x${sh.cipherSuite.toString(16)} we did not offer`,
      );
    if (sh.compressionMethod !== 0)
      throw new DtlsHandshakeError('illegal_parameter', 'server chose compression');
    const srtp = findExtension(sh.extensions, ExtensionType.useSrtp);
    if (srtp) {
      const { profiles } = decodeUseSrtp(srtp.data);
      const p = profiles[0];
      // RFC 5764 §4.1.1: exactly one profile, one the client offered.
      if (profiles.length !== 1 || p === undefined || !options.srtpProfiles.includes(p)) {
        throw new DtlsHandshakeError('illegal_parameter', 'server chose an SRTP profile we did not offer');
      }
      session.srtpProfile = p;
    }
    session.suite = suite;
    session.serverRandom = Uint8Array.from(sh.random);
    session.extendedMasterSecret =
      findExtension(sh.extensions, ExtensionType.extendedMasterSecret) !== undefined;
    if (!session.extendedMasterSecret && options.requireExtendedMasterSecret) {
      throw new DtlsHandshakeError('handshake_failure', 'server does not support extended_master_secret');
    }
    this.add(msg);
    this.go('wait-certificate');
  }

  private sendFlight5(): void {
    const { session, options } = this.host;
    const flight: FlightItem[] = [];
    if (this.certificateRequested) {
      flight.push(
        this.host.message(
          HandshakeType.certificate,
          encodeCertificateMessage({ certificates: [options.certificate.der] }),
        ),
      );
    }
    const eph = generateEphemeralKey(this.serverGroup);
    const preMaster = eph.deriveSecret(this.serverPublic);
    flight.push(
      this.host.message(
        HandshakeType.clientKeyExchange,
        encodeClientKeyExchange({ publicKey: eph.publicKey }),
      ),
    );
    session.deriveMaster(preMaster);
    if (this.certificateRequested) {
      const signature = signEcdsaSha256(options.certificate.privateKey, session.transcriptBytes());
      flight.push(
        this.host.message(
          HandshakeType.certificateVerify,
          encodeCertificateVerify({ signatureScheme: SignatureScheme.ecdsa_secp256r1_sha256, signature }),
        ),
      );
    }
    this.host.installKeys();
    flight.push({ kind: 'ccs', epoch: 0 });
    flight.push(
      this.host.message(
        HandshakeType.finished,
        encodeFinished({ verifyData: session.verifyData('client finished') }),
        1,
      ),
    );
    this.go('wait-finished');
    this.host.sendFlight(flight, false);
  }
}
