//! A real DNS server for the tests (hickory-server on loopback, UDP and TCP
//! on one port), serving one zone the test fills as it goes: TXT records
//! for domain proofs, A and AAAA records for webhook hosts. Portico reaches
//! it through `PORTICO_DNS_RESOLVER`.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use hickory_server::Server;
use hickory_server::proto::rr::rdata::{A, AAAA, SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};

pub struct DnsServer {
    pub addr: SocketAddr,
    zone: Arc<InMemoryZoneHandler>,
    serial: AtomicU32,
    _served: tokio::task::JoinHandle<()>,
}

impl DnsServer {
    /// Serves the root zone, so any name the test adds answers.
    pub async fn start() -> Self {
        let origin = Name::root();
        let zone = Arc::new(InMemoryZoneHandler::empty(
            origin.clone(),
            ZoneType::Primary,
            AxfrPolicy::Deny,
        ));
        let soa = SOA::new(
            Name::from_str("ns.test.").unwrap(),
            Name::from_str("hostmaster.test.").unwrap(),
            1,
            3600,
            600,
            86_400,
            1,
        );
        zone.upsert(Record::from_rdata(origin.clone(), 1, RData::SOA(soa)), 1)
            .await;
        let mut catalog = Catalog::new();
        catalog.upsert(
            LowerName::new(&origin),
            vec![zone.clone() as Arc<dyn ZoneHandler>],
        );
        let (udp, tcp) = udp_and_tcp().await;
        let addr = udp.local_addr().unwrap();
        let mut server = Server::new(catalog);
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 4096);
        let served = tokio::spawn(async move {
            let _ = server.block_until_done().await;
        });
        DnsServer {
            addr,
            zone,
            serial: AtomicU32::new(2),
            _served: served,
        }
    }

    /// `PORTICO_DNS_RESOLVER` for this server.
    pub fn resolver(&self) -> String {
        self.addr.to_string()
    }

    async fn add(&self, name: &str, rdata: RData) {
        let name = Name::from_str(&format!("{}.", name.trim_end_matches('.'))).unwrap();
        let serial = self.serial.fetch_add(1, Ordering::Relaxed);
        self.zone
            .upsert(Record::from_rdata(name, 1, rdata), serial)
            .await;
    }

    pub async fn add_txt(&self, name: &str, value: &str) {
        self.add(name, RData::TXT(TXT::new(vec![value.to_owned()])))
            .await;
    }

    pub async fn add_ip(&self, name: &str, ip: IpAddr) {
        let rdata = match ip {
            IpAddr::V4(v4) => RData::A(A(v4)),
            IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
        };
        self.add(name, rdata).await;
    }
}

/// A name server that never answers: it counts the queries it receives
/// (over UDP, and TCP connections it accepts and holds open).
pub struct SilentDns {
    pub addr: SocketAddr,
    queries: Arc<AtomicU32>,
    _served: Vec<tokio::task::JoinHandle<()>>,
}

impl SilentDns {
    pub async fn start() -> Self {
        let (udp, tcp) = udp_and_tcp().await;
        let addr = udp.local_addr().unwrap();
        let queries = Arc::new(AtomicU32::new(0));
        let counted = queries.clone();
        let on_udp = tokio::spawn(async move {
            let mut buf = [0u8; 2048];
            while udp.recv_from(&mut buf).await.is_ok() {
                counted.fetch_add(1, Ordering::Relaxed);
            }
        });
        let counted = queries.clone();
        let on_tcp = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = tcp.accept().await {
                counted.fetch_add(1, Ordering::Relaxed);
                held.push(stream);
            }
        });
        SilentDns {
            addr,
            queries,
            _served: vec![on_udp, on_tcp],
        }
    }

    pub fn queries(&self) -> u32 {
        self.queries.load(Ordering::Relaxed)
    }
}

/// A UDP socket and a TCP listener on one free loopback port, as DNS uses.
async fn udp_and_tcp() -> (tokio::net::UdpSocket, tokio::net::TcpListener) {
    loop {
        let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            return (udp, tcp);
        }
    }
}
