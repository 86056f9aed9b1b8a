import { createDemux, type Addr, type Clock, type DatagramConn } from '../transport/index.ts';
import {
  IceAgent,
  formatCandidate,
  generateCredentials,
  type IceAgentOptions,
  type IceState,
} from '../ice/index.ts';
import { dtlsClient, dtlsServer, type DtlsCertificate, type DtlsConn } from '../dtls/index.ts';
import {
  SrtpContext,
  DTLS_SRTP_EXPORTER_LABEL,
  keyingMaterialLength,
  splitKeyingMaterial,
  srtpProfile,
  SUPPORTED_SRTP_PROFILES,
  SRTP_AES128_CM_HMAC_SHA1_80,
  SRTP_AEAD_AES_128_GCM,
  type SrtpProfileId,
} from '../srtp/index.ts';
import {
  createAnswer,
  parseRemoteDescription,
  type MediaSection,
  type RemoteDescription,
  type SectionAnswer,
} from '../sdp/index.ts';
import { decodeRtcpCompound, serializeRtcp, type RtcpPacket } from '../rtcp/index.ts';
import { nextConnectionState, type ConnectionState } from './connection-state.ts';
import { PeerError } from './errors.ts';
import { buildStatsReport, type PairSource } from './stats-builder.ts';
import {
  StreamStatsRegistry,
  type ReceiveStreamStats,
  type SendStreamStats,
} from './stream-stats-registry.ts';
import { candidateLine, toCandidateLine } from './sdp-candidates.ts';
import type { DtlsTransportState, StatsReport } from './stats-report.ts';

/** Structured logger the peer reports to (pino-compatible). */
export interface PeerLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface PeerConnectionOptions {
  readonly clock: Clock;
  /** Opens this session's packet conn, keyed by our ICE ufrag (a UdpMux endpoint in the gateway). */
  openConn(localUfrag: string): DatagramConn & { addKey?(ufrag: string): void };
  readonly certificate: DtlsCertificate;
  /** Addresses advertised as host candidates (all reach `openConn`'s conn). */
  readonly hostCandidates: readonly Addr[];
  readonly logger?: PeerLogger;
  /** ICE timing overrides (tests shorten consent timeouts). */
  readonly ice?: Partial<Pick<IceAgentOptions, 'consentTimeout' | 'disconnectedTimeout' | 'connectTimeout'>>;
  /** DTLS handshake limit; default 30 s. */
  readonly dtlsTimeoutMs?: number;
}

/** The SRTP contexts of a connected session: `tx` protects what we send, `rx` unprotects what we get. */
export interface SrtpPair {
  readonly profile: SrtpProfileId;
  readonly tx: SrtpContext;
  readonly rx: SrtpContext;
}

/**
 * One WebRTC session of the gateway's own stack, answer side: applies a remote offer, answers as an
 * ICE-lite agent on the shared UDP port, runs DTLS over the selected pair (server for `setup:passive`,
 * client for `setup:active`, RFC 5763 §5), checks the peer certificate against the offer's
 * fingerprint, and keys SRTP from the DTLS exporter (RFC 5764 §4.2).
 *
 * @example
 * const pc = new PeerConnection({ clock, openConn: (u) => mux.endpoint(u), certificate, hostCandidates });
 * const answer = pc.acceptOffer(offerSdp, (m) => ({ codecs: [pickH264(m)!], direction: 'sendonly' }));
 * pc.onConnectionStateChange((s) => console.log(s));
 */
export class PeerConnection {
  private state: ConnectionState = 'new';
  private readonly listeners = new Set<(s: ConnectionState, err?: Error) => void>();
  private ice: IceAgent | undefined;
  private dtls: DtlsConn | undefined;
  private srtpPair: SrtpPair | undefined;
  private remote: RemoteDescription | undefined;
  /** The remote ICE ufrag in force: the offer's, then each restart's. */
  private remoteUfrag: string | undefined;
  private iceIo: (DatagramConn & { addKey?(ufrag: string): void }) | undefined;
  private rtpConn: DatagramConn | undefined;
  private failure: Error | undefined;
  /** Aborts a DTLS handshake still in flight when the session closes (no timer outlives it). */
  private readonly abort = new AbortController();
  private readonly rtcpListeners = new Set<(packets: RtcpPacket[]) => void>();
  private readonly rtpListeners = new Set<(packet: Uint8Array) => void>();
  /** Media-path counters: what arrived on the SRTP/SRTCP class and what was dropped. */
  readonly mediaStats = { rtpIn: 0, rtcpIn: 0, dropped: 0 };
  private dtlsState: DtlsTransportState = 'new';
  private dtlsRole: 'client' | 'server' | undefined;
  private readonly streams = new StreamStatsRegistry();
  /** Resolves when connected; rejects when the session fails or closes first. */
  readonly connected: Promise<void>;
  private settle!: { resolve: () => void; reject: (e: Error) => void };

  constructor(private readonly opts: PeerConnectionOptions) {
    this.connected = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.connected.catch(() => {}); // observed through state; avoid unhandled rejections
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** The ICE agent's state, `new` before an offer. */
  get iceState(): IceState {
    return this.ice?.state ?? 'new';
  }

  /** The error that failed the session, if it failed. */
  get error(): Error | undefined {
    return this.failure;
  }

  get remoteDescription(): RemoteDescription | undefined {
    return this.remote;
  }

  /** SRTP contexts once connected. */
  get srtp(): SrtpPair | undefined {
    return this.srtpPair;
  }

  /** The selected remote transport address once ICE selected a pair. */
  get remoteAddr(): Addr | undefined {
    return this.ice?.selectedPair?.remoteAddr;
  }

  /** The DTLS cipher suite and SRTP profile negotiated, for stats and logs. */
  get dtlsInfo(): { cipherSuite: string | undefined; srtpProfile: number | undefined } {
    return { cipherSuite: this.dtls?.cipherSuite, srtpProfile: this.dtls?.selectedSrtpProfile };
  }

  /**
   * Adds a stream we send to {@link getStats}; the peer counts the remote's NACK, PLI and FIR for
   * its SSRC from then on. Returns the remover.
   */
  addSendStreamStats(s: SendStreamStats): () => void {
    return this.streams.addSend(s);
  }

  /** Adds a stream we receive to {@link getStats}. Returns the remover. */
  addReceiveStreamStats(s: ReceiveStreamStats): () => void {
    return this.streams.addReceive(s);
  }

  /**
   * A snapshot shaped like W3C webrtc-stats (`RTCPeerConnection.getStats()`): transport (ICE + DTLS),
   * candidate pairs and candidates, an outbound-rtp (and, once the remote reported, a
   * remote-inbound-rtp) per sent stream, an inbound-rtp per received stream, and their codecs.
   *
   * @example
   * const r = pc.getStats();
   * const out = statsOfType(r, 'outbound-rtp'); // [{ ssrc, kind: 'video', packetsSent, ... }]
   */
  getStats(): StatsReport {
    const ice = this.ice;
    const selected = ice?.selectedPair;
    const pairs: PairSource[] = (ice?.pairList() ?? []).map((p) => ({
      local: p.local,
      remote: p.remote,
      state: p.state,
      nominated: p.nominated || p.remoteNominated,
      selected: p === selected,
      rttMs: p.rtt,
    }));
    const profile = this.srtpPair?.profile;
    return buildStatsReport({
      timestamp: this.opts.clock.wallNow(),
      connectionState: this.state,
      transport: {
        iceRole: ice?.role ?? 'controlled',
        iceState: ice?.state ?? 'new',
        localUfrag: ice?.localCredentials.ufrag,
        dtlsState: this.dtlsState,
        dtlsRole: this.dtlsRole,
        dtlsCipher: this.dtls?.cipherSuite,
        srtpCipher: profile !== undefined ? srtpProfile(profile).name : undefined,
        bytesSent: ice?.stats.bytesSent ?? 0,
        bytesReceived: ice?.stats.bytesReceived ?? 0,
        packetsSent: ice?.stats.dataSent ?? 0,
        packetsReceived: ice?.stats.dataReceived ?? 0,
      },
      localCandidates: ice?.localCandidates() ?? [],
      remoteCandidates: ice?.remoteCandidates() ?? [],
      pairs,
      send: this.streams.sendSources(),
      receive: this.streams.receiveSources(),
    });
  }

  /**
   * Sends one RTCP compound (RFC 3550 §6.1: the caller puts SR/RR first when the compound is a
   * report) SRTCP-protected on the media conn. False when the session is not connected or its conn
   * closed meanwhile: feedback to a peer that is going away is dropped, never thrown.
   */
  sendRtcp(packets: RtcpPacket[]): boolean {
    const srtp = this.srtpPair;
    const conn = this.rtpConn;
    if (!srtp || !conn || conn.closed) return false;
    try {
      conn.send(srtp.tx.protectRtcp(serializeRtcp(packets)));
      return true;
    } catch {
      return false;
    }
  }

  /** Decoded RTCP compounds from the peer (receiver reports, NACK, PLI, FIR, REMB, ...). */
  onRtcp(fn: (packets: RtcpPacket[]) => void): () => void {
    this.rtcpListeners.add(fn);
    return () => this.rtcpListeners.delete(fn);
  }

  /** Unprotected RTP packets from the peer (a WHIP publisher's media). */
  onRtp(fn: (packet: Uint8Array) => void): () => void {
    this.rtpListeners.add(fn);
    return () => this.rtpListeners.delete(fn);
  }

  onConnectionStateChange(fn: (s: ConnectionState, err?: Error) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The conn carrying SRTP/SRTCP once connected (RFC 7983 class 128-191 of the selected pair). */
  get mediaConn(): DatagramConn | undefined {
    return this.rtpConn;
  }

  /**
   * Applies the remote offer and returns our answer. Throws `SdpError` for an offer that cannot be
   * negotiated. ICE and DTLS then proceed on their own; watch {@link connectionState}.
   */
  acceptOffer(offerSdp: string, decide: (section: MediaSection) => SectionAnswer | undefined): string {
    if (this.state !== 'new') throw new PeerError('PEER_STATE', `acceptOffer in state ${this.state}`);
    const offer = parseRemoteDescription(offerSdp);
    this.remote = offer;
    const { ufrag, pwd } = generateCredentials();
    this.remoteUfrag = offer.iceUfrag;
    this.iceIo = this.opts.openConn(ufrag);
    const ice = new IceAgent({
      clock: this.opts.clock,
      conn: this.iceIo,
      role: 'controlled',
      lite: true,
      localUfrag: ufrag,
      localPwd: pwd,
      localCandidates: [...this.opts.hostCandidates],
      ...this.opts.ice,
    });
    this.ice = ice;
    ice.setRemoteCredentials(offer.iceUfrag, offer.icePwd);
    for (const c of offer.candidates) {
      try {
        ice.addRemoteCandidate(candidateLine(c));
      } catch (err) {
        // A candidate we cannot parse is ignored (RFC 8445 §5.1); the offer as a whole still stands.
        this.opts.logger?.debug({ err, candidate: c }, 'ignored remote candidate');
      }
    }
    ice.onStateChange((s, err) => this.onIceState(s, err));
    // RFC 5763 §5: the answerer to actpass takes passive, so the browser (active) starts DTLS.
    const setup = offer.setup === 'passive' ? 'active' : 'passive';
    const answer = createAnswer(offer, {
      iceUfrag: ufrag,
      icePwd: pwd,
      iceLite: true,
      fingerprint: (() => {
        const [algorithm, value] = this.opts.certificate.fingerprint.split(' ') as [string, string];
        return { algorithm, value };
      })(),
      setup,
      candidates: ice.localCandidates().map(toCandidateLine),
      decide,
    });
    this.transition('connecting');
    ice.start();
    void ice.connected.then(
      (conn) => this.startDtls(conn, setup === 'passive' ? 'server' : 'client'),
      (err: unknown) => this.fail(err as Error),
    );
    return answer;
  }

  /** The remote ICE ufrag in force (the offer's, or the last restart's). */
  get remoteIceUfrag(): string | undefined {
    return this.remoteUfrag;
  }

  /**
   * ICE restart requested by the remote (RFC 8445 §9; WHEP/WHIP PATCH, RFC 9725 §4.3.2): the ICE
   * agent takes the new remote credentials and new local ones, the shared port routes the new local
   * ufrag here as well (the peer may come back from another address), and DTLS/SRTP carry on over
   * whichever pair the peer nominates next. Returns our new credentials and candidates for the
   * answer's sdpfrag. Throws `PeerError` `PEER_STATE` when there is no live session to restart.
   */
  restartIce(remoteUfrag: string, remotePwd: string): { ufrag: string; pwd: string; candidates: string[] } {
    const ice = this.ice;
    if (!ice || this.state === 'closed' || this.state === 'failed') {
      throw new PeerError('PEER_STATE', `ICE restart in state ${this.state}`);
    }
    const { ufrag, pwd } = generateCredentials();
    this.iceIo?.addKey?.(ufrag);
    ice.restart(remoteUfrag, remotePwd, { ufrag, pwd });
    this.remoteUfrag = remoteUfrag;
    return {
      ufrag,
      pwd,
      candidates: ice.localCandidates().map(formatCandidate),
    };
  }

  /** Trickled remote candidates (RFC 8840 sdpfrag lines `a=candidate:...`). Returns how many were added. */
  addRemoteCandidates(sdpfrag: string): number {
    if (!this.ice) return 0;
    let n = 0;
    for (const line of sdpfrag.split(/\r?\n/)) {
      const m = /^a=(candidate:.*)$/.exec(line.trim());
      if (!m?.[1]) continue;
      try {
        this.ice.addRemoteCandidate(m[1]);
        n++;
      } catch {
        // unparseable or ignored candidate; see acceptOffer
      }
    }
    return n;
  }

  close(): void {
    if (this.state === 'closed') return;
    this.abort.abort();
    if (this.dtlsState !== 'new') this.dtlsState = 'closed';
    this.dtls?.close();
    this.ice?.close();
    this.srtpPair?.tx.close();
    this.srtpPair?.rx.close();
    this.transition('closed');
    this.settle.reject(new PeerError('PEER_CLOSED', 'peer connection closed'));
  }

  private async startDtls(iceConn: DatagramConn, role: 'server' | 'client'): Promise<void> {
    if (this.state === 'closed') return;
    const demux = createDemux(iceConn);
    this.rtpConn = demux.rtp;
    this.dtlsState = 'connecting';
    this.dtlsRole = role;
    const opts = {
      certificate: this.opts.certificate,
      clock: this.opts.clock,
      remoteFingerprint: `${this.remote!.fingerprint.algorithm} ${this.remote!.fingerprint.value}`,
      handshakeTimeoutMs: this.opts.dtlsTimeoutMs ?? 30_000,
      signal: this.abort.signal,
      // The relay protects every packet once per viewer: AES_CM_128_HMAC_SHA1_80 costs ~2.8 µs per
      // 1200-byte packet here against ~3.9 µs for AEAD_AES_128_GCM (bench/srtp.ts), so prefer it.
      srtpProfiles: SUPPORTED_SRTP_PROFILES.filter(
        (p) => p === SRTP_AES128_CM_HMAC_SHA1_80 || p === SRTP_AEAD_AES_128_GCM,
      ),
    };
    try {
      const dtls = await (role === 'server' ? dtlsServer(demux.dtls, opts) : dtlsClient(demux.dtls, opts));
      this.dtls = dtls;
      if ((this.state as ConnectionState) === 'closed') {
        dtls.close();
        return;
      }
      dtls.onClose((err) => this.fail(err ?? new PeerError('PEER_TRANSPORT', 'DTLS closed by the peer')));
      const profile = dtls.selectedSrtpProfile as SrtpProfileId | undefined;
      if (profile === undefined)
        throw new PeerError('PEER_TRANSPORT', 'the peer negotiated no SRTP profile (use_srtp)');
      const material = dtls.exportKeyingMaterial(
        DTLS_SRTP_EXPORTER_LABEL,
        undefined,
        keyingMaterialLength(profile),
      );
      const keys = splitKeyingMaterial(profile, material, role);
      this.srtpPair = {
        profile,
        tx: new SrtpContext({ profile, ...keys.local }),
        rx: new SrtpContext({ profile, ...keys.remote }),
      };
      const rx = this.srtpPair.rx;
      this.dtlsState = 'connected';
      demux.rtp.onData((d) => this.onMedia(d, rx));
      this.opts.logger?.info(
        { cipherSuite: dtls.cipherSuite, srtpProfile: srtpProfile(profile).name, remote: iceConn.remoteAddr },
        'peer connected',
      );
      this.transition('connected');
      this.settle.resolve();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /**
   * SRTP and SRTCP share the bundle's 5-tuple (RFC 5761 §4): payload types 64-95 in the second byte
   * (RTCP packet types 192-223) are RTCP. Anything that fails to unprotect or parse is counted and
   * dropped: hostile input never reaches the session.
   */
  private onMedia(d: Uint8Array, rx: SrtpContext): void {
    const pt = (d[1] ?? 0) & 0x7f;
    try {
      if (pt >= 64 && pt <= 95) {
        const packets = decodeRtcpCompound(rx.unprotectRtcp(d));
        this.mediaStats.rtcpIn++;
        this.streams.countFeedback(packets);
        for (const fn of this.rtcpListeners) fn(packets);
      } else {
        const p = rx.unprotectRtp(d);
        this.mediaStats.rtpIn++;
        for (const fn of this.rtpListeners) fn(p);
      }
    } catch {
      this.mediaStats.dropped++;
    }
  }

  private onIceState(s: IceState, err?: Error): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    if (s === 'failed') this.fail(err ?? new PeerError('PEER_TRANSPORT', 'ICE failed'));
    else if (s === 'disconnected' && this.state === 'connected') this.transition('disconnected');
    else if ((s === 'connected' || s === 'completed') && this.state === 'disconnected')
      this.transition('connected');
  }

  private fail(err: Error): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.failure = err;
    this.opts.logger?.warn(
      { err: { code: (err as { code?: string }).code, message: err.message } },
      'peer failed',
    );
    if (this.dtlsState !== 'new') this.dtlsState = 'failed';
    this.transition('failed', err);
    this.settle.reject(err);
    this.abort.abort();
    this.dtls?.close(err);
    this.ice?.close(err);
  }

  private transition(to: ConnectionState, err?: Error): void {
    const from = this.state;
    this.state = nextConnectionState(from, to);
    if (from === this.state) return;
    for (const fn of [...this.listeners]) fn(this.state, err);
  }
}
