import { ByteWriter } from './byte-writer.ts';
import { ClientCertificateType, encodeCertificateRequest } from './certificate-request.ts';
import { decodeCertificateVerify } from './certificate-verify.ts';
import { decodeCertificateMessage, encodeCertificateMessage } from './certificate-message.ts';
import { cipherSuiteById, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from './cipher-suite.ts';
import { decodeClientHello, type ClientHello } from './client-hello.ts';
import { decodeClientKeyExchange } from './client-key-exchange.ts';
import { DTLS1_2 } from './content-type.ts';
import { CookieJar } from './cookie.ts';
import { DtlsHandshakeError } from './errors.ts';
import { RoleState } from './role-state.ts';
import {
  decodeEcPointFormats,
  decodeSignatureAlgorithms,
  decodeSupportedGroups,
  decodeUseSrtp,
  encodeEcPointFormats,
  encodeExtendedMasterSecret,
  encodeRenegotiationInfo,
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
import { encodeHelloVerifyRequest } from './hello-verify-request.ts';
import { generateEphemeralKey, type EphemeralKey } from './key-exchange.ts';
import { helloRandom } from './random.ts';
import { encodeEcdhParams, encodeServerKeyExchange } from './server-key-exchange.ts';
import { encodeServerHello } from './server-hello.ts';
import { signEcdsaSha256, verifiableSchemes, verifySignature } from './signature.ts';

/**
 * Server handshake states: the full handshake of RFC 5246 §7.3 grouped into DTLS flights
 * (RFC 6347 §4.2.4), with mutual authentication as WebRTC requires.
 *
 *   wait-client-hello --ClientHello without valid cookie--> wait-client-hello   (flight 2: HelloVerifyRequest)
 *   wait-client-hello --ClientHello with cookie--> wait-certificate             (flight 4: ServerHello, Certificate,
 *                                                                                 ServerKeyExchange, CertificateRequest,
 *                                                                                 ServerHelloDone)
 *   wait-certificate --Certificate--> wait-client-key-exchange
 *   wait-client-key-exchange --ClientKeyExchange--> wait-certificate-verify | wait-finished (no client certificate)
 *   wait-certificate-verify --CertificateVerify--> wait-finished
 *   wait-finished --[ChangeCipherSpec] Finished--> connected                     (flight 6: ChangeCipherSpec, Finished)
 */
export type ServerState =
  | 'wait-client-hello'
  | 'wait-certificate'
  | 'wait-client-key-exchange'
  | 'wait-certificate-verify'
  | 'wait-finished'
  | 'connected';

const NEXT: Record<ServerState, readonly ServerState[]> = {
  'wait-client-hello': ['wait-client-hello', 'wait-certificate', 'wait-client-key-exchange'],
  'wait-certificate': ['wait-client-key-exchange'],
  'wait-client-key-exchange': ['wait-certificate-verify', 'wait-finished'],
  'wait-certificate-verify': ['wait-finished'],
  'wait-finished': ['connected'],
  connected: [],
};

export class ServerHandshake implements HandshakeRole {
  private readonly m = new RoleState<ServerState>('server handshake', 'wait-client-hello', NEXT);
  private readonly cookies: CookieJar;
  private ephemeral: EphemeralKey | undefined;
  private clientSentCertificate = false;

  constructor(private readonly host: HandshakeHost) {
    this.cookies = new CookieJar(host.options.cookieSecret);
  }

  get state(): ServerState {
    return this.m.state;
  }

  private go(next: ServerState): void {
    this.m.go(next);
  }

  start(): void {
    // The server speaks only after the first ClientHello.
  }

  handle(msg: ReceivedMessage): void {
    const expect = (t: number): void => {
      if (msg.msgType !== t) {
        throw new DtlsHandshakeError(
          'unexpected_message',
          `got handshake type ${msg.msgType} in state ${this.m.state}`,
          {
            code: 'DTLS_UNEXPECTED_MESSAGE',
          },
        );
      }
    };
    const { session } = this.host;
    switch (this.m.state) {
      case 'wait-client-hello':
        expect(HandshakeType.clientHello);
        return this.onClientHello(msg);
      case 'wait-certificate': {
        expect(HandshakeType.certificate);
        const m = decodeCertificateMessage(msg.body);
        this.clientSentCertificate = m.certificates.length > 0;
        if (this.clientSentCertificate || this.host.options.requireClientCertificate) {
          session.acceptRemoteCertificate(m.certificates, this.host.options.remoteFingerprints);
        }
        this.addToTranscript(msg);
        return this.go('wait-client-key-exchange');
      }
      case 'wait-client-key-exchange': {
        expect(HandshakeType.clientKeyExchange);
        const m = decodeClientKeyExchange(msg.body);
        if (!this.ephemeral) throw new DtlsHandshakeError('internal_error', 'no ephemeral key');
        const preMaster = this.ephemeral.deriveSecret(m.publicKey);
        this.addToTranscript(msg);
        // EMS session hash runs through ClientKeyExchange (RFC 7627 §3).
        session.deriveMaster(preMaster);
        this.host.installKeys();
        return this.go(this.clientSentCertificate ? 'wait-certificate-verify' : 'wait-finished');
      }
      case 'wait-certificate-verify': {
        expect(HandshakeType.certificateVerify);
        const m = decodeCertificateVerify(msg.body);
        if (!session.remoteKey) throw new DtlsHandshakeError('internal_error', 'no client key');
        // RFC 5246 §7.4.8: the signature covers every handshake message before CertificateVerify.
        if (!verifySignature(m.signatureScheme, session.remoteKey, session.transcriptBytes(), m.signature)) {
          throw new DtlsHandshakeError('decrypt_error', 'CertificateVerify signature does not verify', {
            code: 'DTLS_BAD_SIGNATURE',
          });
        }
        this.addToTranscript(msg);
        return this.go('wait-finished');
      }
      case 'wait-finished': {
        expect(HandshakeType.finished);
        if (msg.epoch === 0) {
          throw new DtlsHandshakeError('unexpected_message', 'Finished was not protected', {
            code: 'DTLS_UNEXPECTED_MESSAGE',
          });
        }
        session.checkVerifyData('client finished', decodeFinished(msg.body).verifyData);
        this.addToTranscript(msg);
        const flight: FlightItem[] = [
          { kind: 'ccs', epoch: 0 },
          this.host.message(
            HandshakeType.finished,
            encodeFinished({ verifyData: session.verifyData('server finished') }),
            1,
          ),
        ];
        this.go('connected');
        this.host.sendFlight(flight, true);
        return this.host.complete();
      }
      case 'connected':
        throw new DtlsHandshakeError(
          'unexpected_message',
          'handshake message after the handshake (renegotiation is refused)',
          {
            code: 'DTLS_UNEXPECTED_MESSAGE',
          },
        );
    }
  }

  private addToTranscript(msg: ReceivedMessage): void {
    this.host.session.addTranscript(encodeHandshakeMessage(msg.msgType, msg.messageSeq, msg.body));
  }

  private onClientHello(msg: ReceivedMessage): void {
    const ch = decodeClientHello(msg.body);
    // DTLS versions count down: 1.2 is 0xfefd, 1.0 0xfeff. A 1.3 client still sends 0xfefd here
    // (RFC 9147 §5.3) and negotiates 1.2 with us because our ServerHello has no supported_versions.
    if (ch.version > DTLS1_2) {
      throw new DtlsHandshakeError(
        'protocol_version',
        `client offers only DTLS 0x${ch.version.toString(16)}`,
      );
    }
    const { options } = this.host;
    if (options.helloVerify && !this.cookies.verify(this.host.remoteKey, ch)) {
      // Flight 2. Stateless: neither transcript nor flight machine (RFC 6347 §4.2.1); the client's
      // retransmitted ClientHello gets the same cookie.
      const cookie = this.cookies.make(this.host.remoteKey, ch);
      this.host.sendStateless(
        HandshakeType.helloVerifyRequest,
        msg.messageSeq,
        encodeHelloVerifyRequest({ version: DTLS1_2, cookie }),
      );
      return this.go('wait-client-hello');
    }
    this.negotiate(ch, msg);
  }

  private negotiate(ch: ClientHello, msg: ReceivedMessage): void {
    const { options, session } = this.host;
    // Our certificate is ECDSA: only ECDHE_ECDSA suites can be served (RFC 8422 §6).
    const suiteId = options.cipherSuites.find(
      (id) => ch.cipherSuites.includes(id) && cipherSuiteById(id)?.auth === 'ecdsa',
    );
    const suite = suiteId === undefined ? undefined : cipherSuiteById(suiteId);
    if (!suite)
      throw new DtlsHandshakeError('handshake_failure', 'no cipher suite in common', {
        code: 'DTLS_NO_SHARED_CIPHER',
      });
    if (!ch.compressionMethods.includes(0))
      throw new DtlsHandshakeError('illegal_parameter', 'null compression not offered');

    const ext = ch.extensions;
    const groupsExt = findExtension(ext, ExtensionType.supportedGroups);
    // No supported_groups: the client takes any curve; secp256r1 is the safe choice (RFC 8422 §4).
    const clientGroups = groupsExt ? decodeSupportedGroups(groupsExt.data) : [NamedGroup.secp256r1];
    const group = options.groups.find((g) => clientGroups.includes(g));
    if (group === undefined)
      throw new DtlsHandshakeError('handshake_failure', 'no ECDHE group in common', {
        code: 'DTLS_NO_SHARED_GROUP',
      });
    const pf = findExtension(ext, ExtensionType.ecPointFormats);
    if (pf && !decodeEcPointFormats(pf.data).includes(0)) {
      throw new DtlsHandshakeError('illegal_parameter', 'client does not accept uncompressed points');
    }
    const sa = findExtension(ext, ExtensionType.signatureAlgorithms);
    if (sa && !decodeSignatureAlgorithms(sa.data).includes(SignatureScheme.ecdsa_secp256r1_sha256)) {
      throw new DtlsHandshakeError('handshake_failure', 'client does not accept ecdsa_secp256r1_sha256', {
        code: 'DTLS_NO_SHARED_SIGNATURE',
      });
    }
    const ems = findExtension(ext, ExtensionType.extendedMasterSecret) !== undefined;
    if (!ems && options.requireExtendedMasterSecret) {
      throw new DtlsHandshakeError('handshake_failure', 'client does not support extended_master_secret');
    }
    const srtpExt = findExtension(ext, ExtensionType.useSrtp);
    let srtpProfile: number | undefined;
    if (srtpExt && options.srtpProfiles.length > 0) {
      const offered = decodeUseSrtp(srtpExt.data).profiles;
      // RFC 5764 §4.1.1: the server picks one of the client's profiles; we use our preference order.
      srtpProfile = options.srtpProfiles.find((p) => offered.includes(p));
    }
    const secureReneg =
      findExtension(ext, ExtensionType.renegotiationInfo) !== undefined ||
      ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);

    const versions = findExtension(ext, ExtensionType.supportedVersions);
    options.logger?.debug(
      {
        helloBytes: msg.body.length,
        // RFC 8446 §4.2.1: a 1-byte length then uint16 versions; shown for diagnostics only.
        supportedVersions: versions
          ? [...versions.data.subarray(1)].map((b) => b.toString(16)).join('')
          : undefined,
        suite: suite.name,
        group,
        srtpProfile,
        ems,
      },
      'dtls ClientHello accepted',
    );
    session.suite = suite;
    session.clientRandom = Uint8Array.from(ch.random);
    session.serverRandom = helloRandom();
    session.extendedMasterSecret = ems;
    session.srtpProfile = srtpProfile;
    session.group = group;
    session.resetTranscript();
    this.addToTranscript(msg);
    // Our first message after a verified ClientHello carries its message_seq (RFC 6347 §4.2.2, stateless server).
    this.host.setSendSeq(msg.messageSeq);

    const shExt: Extension[] = [];
    if (secureReneg) shExt.push(encodeRenegotiationInfo());
    if (ems) shExt.push(encodeExtendedMasterSecret());
    if (srtpProfile !== undefined)
      shExt.push(encodeUseSrtp({ profiles: [srtpProfile], mki: new Uint8Array(0) }));
    if (pf) shExt.push(encodeEcPointFormats([0]));

    const eph = generateEphemeralKey(group);
    this.ephemeral = eph;
    const params = encodeEcdhParams(group, eph.publicKey);
    const signed = new ByteWriter()
      .bytes(session.clientRandom)
      .bytes(session.serverRandom)
      .bytes(params)
      .finish();
    const signature = signEcdsaSha256(options.certificate.privateKey, signed);

    const flight: FlightItem[] = [
      this.host.message(
        HandshakeType.serverHello,
        encodeServerHello({
          version: DTLS1_2,
          random: session.serverRandom,
          sessionId: new Uint8Array(0),
          cipherSuite: suite.id,
          compressionMethod: 0,
          extensions: shExt,
        }),
      ),
      this.host.message(
        HandshakeType.certificate,
        encodeCertificateMessage({ certificates: [options.certificate.der] }),
      ),
      this.host.message(
        HandshakeType.serverKeyExchange,
        encodeServerKeyExchange({
          namedCurve: group,
          publicKey: eph.publicKey,
          signatureScheme: SignatureScheme.ecdsa_secp256r1_sha256,
          signature,
        }),
      ),
    ];
    if (options.requireClientCertificate) {
      flight.push(
        this.host.message(
          HandshakeType.certificateRequest,
          encodeCertificateRequest({
            certificateTypes: [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
            signatureSchemes: [...verifiableSchemes],
            authorities: new Uint8Array(0),
          }),
        ),
      );
    }
    flight.push(this.host.message(HandshakeType.serverHelloDone, new Uint8Array(0)));
    this.go(options.requireClientCertificate ? 'wait-certificate' : 'wait-client-key-exchange');
    this.host.sendFlight(flight, false);
  }
}
