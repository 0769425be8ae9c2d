// A small real DNS server for the browser tests (PORTICO_DNS_RESOLVER
// points Portico at it): it answers TXT queries from files the specs write
// in a directory (one file per name, one record per line) and says
// NXDOMAIN for everything else. UDP and TCP on one port, as resolvers use.
// Usage: node dns-server.js <port> <dir>
const dgram = require("node:dgram");
const net = require("node:net");
const fs = require("node:fs");
const path = require("node:path");

const port = Number(process.argv[2]);
const dir = process.argv[3];
fs.mkdirSync(dir, { recursive: true });

/** The question of a query: its name, type, and where it ends. */
function question(msg) {
  const labels = [];
  let at = 12;
  while (msg[at] !== 0) {
    labels.push(msg.subarray(at + 1, at + 1 + msg[at]).toString("ascii"));
    at += 1 + msg[at];
  }
  const type = msg.readUInt16BE(at + 1);
  return { name: labels.join(".").toLowerCase(), type, end: at + 5 };
}

/** The answer to one query message. */
function answer(msg) {
  const q = question(msg);
  const file = path.join(dir, q.name.replace(/[^a-z0-9._-]/g, "_"));
  const records = q.type === 16 && fs.existsSync(file)
    ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l.length > 0)
    : [];
  const header = Buffer.alloc(12);
  msg.copy(header, 0, 0, 2); // the query's id
  const exists = fs.existsSync(file);
  header.writeUInt16BE(0x8180 | (exists ? 0 : 3), 2); // response, recursion; NXDOMAIN when unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const parts = [header, msg.subarray(12, q.end)];
  for (const text of records) {
    const bytes = Buffer.from(text, "utf8");
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // the question's name
    rr.writeUInt16BE(16, 2); // TXT
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(1, 6); // TTL 1 s
    rr.writeUInt16BE(bytes.length + 1, 10);
    parts.push(rr, Buffer.from([bytes.length]), bytes);
  }
  return Buffer.concat(parts);
}

const udp = dgram.createSocket("udp4");
udp.on("message", (msg, from) => {
  try {
    udp.send(answer(msg), from.port, from.address);
  } catch (e) {
    console.error("dns: bad query", e);
  }
});
udp.bind(port, "127.0.0.1");

net
  .createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + msg.length);
        const reply = answer(msg);
        const length = Buffer.alloc(2);
        length.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([length, reply]));
      }
    });
    socket.on("error", () => {});
  })
  .listen(port, "127.0.0.1", () => console.log(`dns on 127.0.0.1:${port}, records in ${dir}`));
